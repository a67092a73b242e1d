// The table mode of the explorer: one row per series of an instant query (labels, value), or
// per series of a range selector (its samples); scalars and strings as a single value.
import { legendName, type MatrixSeries } from './charts/series';
import { formatValue, type Unit } from './charts/units';
import type { InstantSample, QueryData } from './promql/prom-api';

const MAX_ROWS = 2000;

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

function VectorRows({ rows, unit }: { rows: InstantSample[]; unit: Unit }) {
  return rows.map((s) => (
    <tr key={legendName(s.metric)}>
      <td>
        <Labels metric={s.metric} />
      </td>
      <td className="num mono" title={s.value[1]}>
        {formatValue(Number(s.value[1]), unit)}
      </td>
    </tr>
  ));
}

function MatrixRows({ rows, unit }: { rows: MatrixSeries[]; unit: Unit }) {
  return rows.map((s) => (
    <tr key={legendName(s.metric)}>
      <td>
        <Labels metric={s.metric} />
      </td>
      <td className="num mono small">
        {s.values.slice(-20).map(([t, v]) => (
          <div key={t}>
            {formatValue(Number(v), unit)} @{new Date(t * 1000).toLocaleTimeString()}
          </div>
        ))}
        {s.values.length > 20 && <div className="muted">… {s.values.length - 20} earlier</div>}
      </td>
    </tr>
  ));
}

export function ResultTable({ data, unit }: { data: QueryData; unit: Unit }) {
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    return (
      <div className="panel" data-testid="result-table">
        <span className="muted">{data.resultType}</span> <span className="tile-value">{data.resultType === 'scalar' ? formatValue(Number(data.result[1]), unit) : data.result[1]}</span>
      </div>
    );
  }
  return (
    <div data-testid="result-table">
      {data.result.length === 0 && <div className="notice">The query returned no series.</div>}
      {data.result.length > 0 && (
        <table className="grid compact">
          <thead>
            <tr>
              <th>Series</th>
              <th className="num">{data.resultType === 'vector' ? 'Value' : 'Samples'}</th>
            </tr>
          </thead>
          <tbody>{data.resultType === 'vector' ? <VectorRows rows={data.result.slice(0, MAX_ROWS)} unit={unit} /> : data.resultType === 'matrix' && <MatrixRows rows={data.result.slice(0, MAX_ROWS)} unit={unit} />}
          </tbody>
        </table>
      )}
      {data.result.length > MAX_ROWS && <div className="muted small">Showing {MAX_ROWS} of {data.result.length} series.</div>}
    </div>
  );
}
