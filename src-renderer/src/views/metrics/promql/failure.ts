// Any failure of a query, as one shape the views show: a contract error from a prometheus.*
// procedure (Prometheus's errorType, its own message and the position in the query in details),
// a message with a position in its text, or something else entirely.
import type { PrometheusErrorDetails } from '../../../../../src-main/contract/metrics-types';
import { errorPosition } from './error-position';
import type { QueryFailure } from './prom-api';

function isFailure(e: unknown): e is QueryFailure {
  return typeof e === 'object' && e !== null && typeof (e as QueryFailure).kind === 'string' && typeof (e as QueryFailure).message === 'string';
}

function codeKind(code: string | undefined): string {
  switch (code) {
    case 'UNAVAILABLE':
      return 'unavailable';
    case 'CANCELLED':
      return 'canceled';
    case 'FORBIDDEN':
      return 'forbidden';
    case 'BAD_INPUT':
      return 'bad_data';
    case 'NOT_FOUND':
      return 'not_found';
    default:
      return (code ?? 'error').toLowerCase();
  }
}

export function toFailure(e: unknown, query: string): QueryFailure {
  if (isFailure(e)) {
    if (e.position || !query) return e;
    const position = errorPosition(query, e.message);
    return position ? { ...e, position } : e;
  }
  const err = (typeof e === 'object' && e !== null ? e : {}) as { code?: string; message?: string; details?: unknown };
  const details = (typeof err.details === 'object' && err.details !== null ? err.details : {}) as Partial<PrometheusErrorDetails>;
  const fromPrometheus = details.source === 'prometheus';
  const message = (fromPrometheus && details.message) || err.message || String(e);
  const kind = fromPrometheus && details.errorType ? details.errorType : codeKind(err.code);
  const offset = details.position?.offset;
  const position = typeof offset === 'number' ? { start: offset, end: offset + 1 } : errorPosition(query, message);
  return { kind, message, ...(position ? { position } : {}) };
}
