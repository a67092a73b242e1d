// Any failure of a query, as one shape the views show: a contract error (Prometheus's own
// errorType and position in its details when the backend has them), a Prometheus message with
// a position in its text, or something else entirely.
import { errorPosition } from './error-position';
import type { QueryFailure } from './prom-api';

interface Details {
  errorType?: string;
  type?: string;
  position?: { start: number; end: number } | number;
}

function isFailure(e: unknown): e is QueryFailure {
  return typeof e === 'object' && e !== null && typeof (e as QueryFailure).kind === 'string' && typeof (e as QueryFailure).message === 'string';
}

export function toFailure(e: unknown, query: string): QueryFailure {
  if (isFailure(e)) return e.position || !query ? e : { ...e, ...(errorPosition(query, e.message) ? { position: errorPosition(query, e.message)! } : {}) };
  const err = e as { code?: string; message?: string; details?: unknown; name?: string };
  const message = err?.message ?? String(e);
  const details = (typeof err?.details === 'object' && err.details !== null ? err.details : {}) as Details;
  const kind = details.errorType ?? details.type ?? (err?.code === 'UNAVAILABLE' ? 'unavailable' : err?.code === 'CANCELLED' ? 'canceled' : err?.code === 'BAD_INPUT' ? 'bad_data' : (err?.code ?? 'error').toLowerCase());
  const pos = details.position;
  const position = typeof pos === 'number' ? { start: pos, end: pos + 1 } : pos && typeof pos.start === 'number' ? pos : errorPosition(query, message);
  return { kind, message, ...(position ? { position } : {}) };
}
