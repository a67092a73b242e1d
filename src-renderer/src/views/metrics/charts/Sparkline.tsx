// A small inline history (SVG, no axes): the shape of the last hour next to a current value.
// Scaled to the values' own range (a trend), or from zero when a request or limit is drawn too.
export function Sparkline({ points, width = 120, height = 28, request, limit, label }: { points: Array<[number, number]>; width?: number; height?: number; request?: number; limit?: number; label: string }) {
  if (points.length < 2) return <svg className="sparkline" width={width} height={height} role="img" aria-label={`${label}: not enough history yet`} />;
  const t0 = points[0]![0];
  const t1 = points.at(-1)![0];
  const values = points.map((p) => p[1]);
  const bounded = request !== undefined || limit !== undefined;
  let hi = Math.max(...values, limit ?? -Infinity, request ?? -Infinity);
  let lo = bounded ? 0 : Math.min(...values);
  const pad = (hi - lo) * 0.1;
  if (!bounded) lo -= pad;
  hi += pad;
  if (hi - lo <= Math.abs(hi) * 1e-9) {
    // Flat: a line through the middle.
    lo -= 1;
    hi += 1;
  }
  const x = (t: number) => ((t - t0) / Math.max(1, t1 - t0)) * (width - 2) + 1;
  const y = (v: number) => height - 1 - ((v - lo) / (hi - lo)) * (height - 2);
  const line = points.map(([t, v], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const area = `${line}L${x(t1).toFixed(1)},${height - 1}L${x(t0).toFixed(1)},${height - 1}Z`;
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} data-points={points.length}>
      <path className="area" d={area} />
      <path className="line" d={line} />
      {request !== undefined && <line className="request" x1={0} x2={width} y1={y(request)} y2={y(request)} />}
      {limit !== undefined && <line className="limit" x1={0} x2={width} y1={y(limit)} y2={y(limit)} />}
    </svg>
  );
}
