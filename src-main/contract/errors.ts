// Errors that cross the contract boundary. Every failure the renderer sees has a code it can
// switch on and a message written for a person.

export const errorCodes = [
  'BAD_INPUT', // the caller sent something the contract does not accept
  'NOT_FOUND', // unknown procedure, stream or object
  'UNAUTHORIZED', // credentials missing or expired
  'FORBIDDEN', // authenticated, but not allowed (details name the verb and resource)
  'UNAVAILABLE', // a dependency (cluster, Prometheus, file) cannot be reached
  'SLOW_CONSUMER', // a stream's reader fell so far behind that its bounded buffer overflowed
  'CANCELLED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
  /** Structured facts, e.g. zod issues for BAD_INPUT or {verb, resource} for FORBIDDEN. */
  details?: unknown;
}

export class ContractError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ContractError';
  }

  toWire(): WireError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Anything thrown by a handler becomes a WireError; unknown errors keep their message. */
export function toWireError(err: unknown): WireError {
  if (err instanceof ContractError) return err.toWire();
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}

export function isWireError(value: unknown): value is WireError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WireError).code === 'string' &&
    typeof (value as WireError).message === 'string'
  );
}
