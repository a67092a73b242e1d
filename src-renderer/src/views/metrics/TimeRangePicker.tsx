// Relative ranges (last 5m … 7d, following now), an absolute from/to, zoom out (doubles the
// span around its middle), and the auto-refresh interval.
import { useState } from 'react';
import { describeRange, fromLocalInput, parseDuration, relativeRanges, resolveRange, toLocalInput, type TimeRange } from './time-range';

export const refreshChoices: Array<{ label: string; ms: number }> = [
  { label: 'Off', ms: 0 },
  { label: '5s', ms: 5_000 },
  { label: '10s', ms: 10_000 },
  { label: '30s', ms: 30_000 },
  { label: '1m', ms: 60_000 },
  { label: '5m', ms: 300_000 },
];

export function zoomOut(r: TimeRange, now: number): TimeRange {
  const { start, end } = resolveRange(r, now);
  const span = end - start;
  const to = Math.min(now, end + span / 2);
  return { kind: 'absolute', from: to - span * 2, to };
}

export function TimeRangePicker({ range, onRange, refreshMs, onRefresh }: { range: TimeRange; onRange(r: TimeRange): void; refreshMs: number; onRefresh(ms: number): void }) {
  const [custom, setCustom] = useState<{ from: string; to: string } | null>(null);
  const value = range.kind === 'relative' ? range.range : 'absolute';
  return (
    <div className="range-picker" data-testid="range-picker">
      <select
        aria-label="Time range"
        value={value}
        onChange={(e) => {
          if (e.target.value === 'absolute') {
            const { start, end } = resolveRange(range, Date.now());
            setCustom({ from: toLocalInput(start), to: toLocalInput(end) });
          } else {
            setCustom(null);
            onRange({ kind: 'relative', range: e.target.value });
          }
        }}
      >
        {relativeRanges.map((r) => (
          <option key={r} value={r}>
            Last {r}
          </option>
        ))}
        {range.kind === 'relative' && !(relativeRanges as readonly string[]).includes(range.range) && parseDuration(range.range) && <option value={range.range}>Last {range.range}</option>}
        <option value="absolute">{range.kind === 'absolute' ? describeRange(range) : 'Absolute…'}</option>
      </select>
      {custom && (
        <form
          className="range-custom"
          onSubmit={(e) => {
            e.preventDefault();
            const from = fromLocalInput(custom.from);
            const to = fromLocalInput(custom.to);
            if (from !== undefined && to !== undefined && to > from) {
              onRange({ kind: 'absolute', from, to });
              setCustom(null);
            }
          }}
        >
          <input type="datetime-local" aria-label="From" value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.target.value })} />
          <input type="datetime-local" aria-label="To" value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.target.value })} />
          <button type="submit">Apply</button>
        </form>
      )}
      <button type="button" title="Zoom out (twice the span)" onClick={() => onRange(zoomOut(range, Date.now()))}>
        −
      </button>
      <label className="field">
        Refresh
        <select aria-label="Auto-refresh" value={refreshMs} onChange={(e) => onRefresh(Number(e.target.value))}>
          {refreshChoices.map((c) => (
            <option key={c.ms} value={c.ms}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
