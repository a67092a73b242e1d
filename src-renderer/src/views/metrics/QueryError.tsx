// A failed query: its kind and message, and where Prometheus said the problem is, pointed at
// under the query text (the editor underlines the same range).
import type { QueryFailure } from './promql/prom-api';

export function QueryError({ failure, query, testId = 'query-error' }: { failure: QueryFailure; query?: string; testId?: string }) {
  const pos = failure.position;
  let pointer: { line: string; caret: string } | undefined;
  if (pos && query !== undefined) {
    const lineStart = query.lastIndexOf('\n', Math.max(0, pos.start - 1)) + 1;
    const lineEnd = query.indexOf('\n', pos.start);
    const line = query.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    const col = Math.min(pos.start - lineStart, Math.max(0, line.length - 1));
    pointer = { line, caret: `${' '.repeat(Math.max(0, col))}${'^'.repeat(Math.max(1, Math.min(pos.end, lineStart + line.length) - pos.start))}` };
  }
  return (
    <div className="notice error query-error" role="alert" data-testid={testId} data-kind={failure.kind} data-position={pos ? `${pos.start}-${pos.end}` : undefined}>
      <strong>{failure.kind.replace(/_/g, ' ')}</strong>: {failure.message}
      {pointer && (
        <pre className="error-pointer" data-testid="error-pointer">
          {pointer.line}
          {'\n'}
          {pointer.caret}
        </pre>
      )}
    </div>
  );
}
