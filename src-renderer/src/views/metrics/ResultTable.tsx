// The table mode of the explorer: one row per series of an instant query (labels, value), or
// per series of a range selector (its latest samples); scalars and strings as a single value.
import type { PromSeries } from '../../../../src-main/contract/metrics-types';
import { legendName } from './charts/series';
import { formatValue, type Unit } from './charts/units';
import type { PromInstant } from './promql/prom-api';

const MAX_ROWS = 2000;
type Value = number | string;
const num = (v: Value) => (typeof v === 'number' ? v : Number(v.replace('Inf', 'Infinity')));

function Labels({ metric }: { metric: Record<string, string> }) {
  const { __name__: name, ...rest } = metric;
  return (
    <>
      {name && <span className="name mono">{name}</span>}
      {Object.keys(rest)
        .sort()
        .map((k) => (
          <span key={k} className="chip">
            {k}={rest[k]}
          </span>
        ))}
    </>
  );
}

function VectorRows({ rows, unit }: { rows: Array<{ metric: Record<string, string>; v: Value }>; unit: Unit }) {
  return rows.map((s) => (
    <tr key={legendName(s.metric)}>
      <td>
        <Labels metric={s.metric} />
      </td>
      <td className="num mono" title={String(s.v)}>
        {formatValue(num(s.v), unit)}
      </td>
    </tr>
  ));
}

function MatrixRows({ rows, unit }: { rows: PromSeries[]; unit: Unit }) {
  return rows.map((s) => {
    const from = Math.max(0, s.t.length - 20);
    return (
      <tr key={legendName(s.metric)}>
        <td>
          <Labels metric={s.metric} />
        </td>
        <td className="num mono small">
          {s.t.slice(from).map((t, i) => (
            <div key={t}>
              {formatValue(num(s.v[from + i]!), unit)} @{new Date(t * 1000).toLocaleTimeString()}
            </div>
          ))}
          {from > 0 && <div className="muted">… {from} earlier</div>}
        </td>
      </tr>
    );
  });
}

export function ResultTable({ data, unit }: { data: PromInstant; unit: Unit }) {
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    return (
      <div className="panel" data-testid="result-table">
        <span className="muted">{data.resultType}</span> <span className="tile-value">{data.resultType === 'scalar' ? formatValue(num(data.v), unit) : data.v}</span>
      </div>
    );
  }
  const count = data.resultType === 'vector' ? data.samples.length : data.series.length;
  return (
    <div data-testid="result-table">
      {count === 0 && <div className="notice">The query returned no series.</div>}
      {count > 0 && (
        <table className="grid compact">
          <thead>
            <tr>
              <th>Series</th>
              <th className="num">{data.resultType === 'vector' ? 'Value' : 'Samples'}</th>
            </tr>
          </thead>
          <tbody>{data.resultType === 'vector' ? <VectorRows rows={data.samples.slice(0, MAX_ROWS)} unit={unit} /> : <MatrixRows rows={data.series.slice(0, MAX_ROWS)} unit={unit} />}</tbody>
        </table>
      )}
      {count > MAX_ROWS && <div className="muted small">Showing {MAX_ROWS} of {count} series.</div>}
    </div>
  );
}
