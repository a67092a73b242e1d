// Prometheus's errors as contract errors: the errorType it sends (bad_data, execution, timeout,
// canceled, ...), its message, and for parse errors the position in the query, converted from
// Prometheus's byte columns to the UTF-16 offsets editors use.
import { ContractError, type ErrorCode } from '../../../contract/errors';
import type { PrometheusErrorDetails, PrometheusErrorType } from '../../../contract/metrics-types';

const codeFor: Record<PrometheusErrorType, ErrorCode> = {
  bad_data: 'BAD_INPUT',
  execution: 'BAD_INPUT',
  canceled: 'CANCELLED',
  no_prometheus: 'NOT_FOUND',
  forbidden: 'FORBIDDEN',
  timeout: 'UNAVAILABLE',
  internal: 'UNAVAILABLE',
  unavailable: 'UNAVAILABLE',
  not_found: 'UNAVAILABLE',
  bad_response: 'UNAVAILABLE',
};

/** The errorTypes Prometheus itself sends (web/api/v1/api.go). */
const knownTypes = new Set<string>(['bad_data', 'execution', 'timeout', 'canceled', 'internal', 'unavailable', 'not_found']);

/** Prometheus's errorType, or the one its HTTP status implies when the body has none. */
export function errorTypeOf(errorType: unknown, status: number | undefined): PrometheusErrorType {
  if (typeof errorType === 'string' && knownTypes.has(errorType)) return errorType as PrometheusErrorType;
  // VictoriaMetrics sends the status code as errorType ("422").
  const s = typeof errorType === 'string' && /^\d{3}$/.test(errorType) ? Number(errorType) : status;
  switch (s) {
    case 400:
      return 'bad_data';
    case 422:
      return 'execution';
    case 503:
      return 'timeout';
    case 404:
      return 'not_found';
    default:
      return 'internal';
  }
}

export function prometheusError(details: Omit<PrometheusErrorDetails, 'source'>, summary?: string): ContractError {
  const full: PrometheusErrorDetails = { source: 'prometheus', ...details };
  return new ContractError(codeFor[details.errorType], summary ?? `Prometheus: ${details.message}`, full);
}

/** Prometheus wraps query errors as `invalid parameter "query": <error>`; the UI wants the error. */
export function stripParameterWrapper(message: string): string {
  return message.replace(/^invalid parameter "[^"]*":\s*/, '');
}

/** The UTF-16 offset of 1-based `line` and 1-based byte `column` in `query`, as Prometheus counts
 *  (bytes of UTF-8 from the start of the line). Undefined when the position is not in the query. */
export function offsetOf(query: string, line: number, byteColumn: number): number | undefined {
  if (line < 1 || byteColumn < 1) return undefined;
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = query.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  let bytes = 0;
  let i = start;
  while (bytes < byteColumn - 1) {
    // Past the end of the line: not a position in this query. (The end itself is one.)
    if (i >= query.length || query.charCodeAt(i) === 10) return undefined;
    const cp = query.codePointAt(i)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp >= 0x10000 ? 2 : 1;
  }
  // A column inside a multi-byte character (not from Prometheus) rounds to the next character.
  return i;
}

// Prometheus >= 2.17: "1:5: parse error: ..." (line:column, column in bytes, 1-based).
const LINE_COL = /(?:^|[\s"(:])(\d{1,9}):(\d{1,9}): parse error/;
// Older Prometheus: "parse error at line 2, char 5: ..." or "parse error at char 5: ...".
const AT_CHAR = /parse error at (?:line (\d{1,9}), )?char (\d{1,9})/;

/** Where a Prometheus parse error points in `query`, if the message says and it is in the query. */
export function parsePosition(message: string, query: string | undefined): PrometheusErrorDetails['position'] {
  const m = LINE_COL.exec(message) ?? AT_CHAR.exec(message);
  if (!m) return undefined;
  const line = m[1] === undefined ? 1 : Number(m[1]);
  const byteColumn = Number(m[2]);
  if (query === undefined) return undefined;
  const offset = offsetOf(query, line, byteColumn);
  if (offset === undefined) return undefined;
  const lineStart = query.lastIndexOf('\n', offset - 1) + 1;
  return { line, column: offset - lineStart + 1, offset };
}

interface ErrorEnvelope {
  status?: unknown;
  errorType?: unknown;
  error?: unknown;
}

/** A Prometheus error answer (status "error") as a ContractError; undefined if the body is not one. */
export function fromErrorBody(body: string, httpStatus: number, query: string | undefined, candidate: string | undefined): ContractError | undefined {
  let parsed: ErrorEnvelope;
  try {
    parsed = JSON.parse(body) as ErrorEnvelope;
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || parsed.status !== 'error' || typeof parsed.error !== 'string') return undefined;
  const errorType = errorTypeOf(parsed.errorType, httpStatus);
  const message = stripParameterWrapper(parsed.error);
  const position = parsePosition(message, query);
  return prometheusError({
    errorType,
    message,
    status: httpStatus,
    ...(position ? { position } : {}),
    ...(candidate ? { candidate } : {}),
  });
}
