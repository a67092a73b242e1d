// Tunables a service reads from its environment (the ConfigMap arrives through envFrom).
// A bad value is a realistic incident: someone edits the ConfigMap, restarts the Deployment, and
// the service starts failing. What happens then is decided here:
// - every key is validated at start; a bad one is logged as an error;
// - routes that use a bad key answer 500 (see RouteSpec.uses) and log the error per request;
// - with FAIL_FAST=true the service instead exits with an Error at start, which the kubelet turns
//   into CrashLoopBackOff.

type Kind = 'duration' | 'int' | 'fraction' | 'bool' | 'level' | 'url';

const KINDS: Record<string, Kind> = {
  LOG_LEVEL: 'level',
  SLOW_REQUEST_MS: 'int',
  UPSTREAM_TIMEOUT_MS: 'int',
  STARTUP_DELAY_MS: 'int',
  FAIL_FAST: 'bool',
  RATE_LIMIT_RPS: 'int',
  TEMPLATE_CACHE: 'bool',
  CACHE_TTL: 'duration',
  PAGE_SIZE: 'int',
  MAX_ITEMS: 'int',
  ORDER_TIMEOUT: 'duration',
  DECLINE_RATE: 'fraction',
  PROVIDER_TIMEOUT: 'duration',
  RESERVATION_TTL: 'duration',
  MAX_ENTRIES: 'int',
  DEFAULT_TTL: 'duration',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'url',
};

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];

export interface ConfigError {
  key: string;
  value: string;
  reason: string;
}

export interface ServiceConfig {
  /** Parsed numeric values (durations in ms, fractions 0..1, ints, bools as 0/1). */
  numbers: Record<string, number>;
  logLevel: LogLevel;
  failFast: boolean;
  errors: ConfigError[];
  /** The error for a key, if its value is invalid. */
  errorFor(key: string): ConfigError | undefined;
  num(key: string, fallback: number): number;
}

/** Go-style duration ("30s", "5m", "1h30m", "250ms") to milliseconds. */
export function parseDuration(v: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  const s = v.trim();
  if (s === '' || s === '0') return s === '0' ? 0 : undefined;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    if (m.index !== consumed) return undefined;
    consumed += m[0].length;
    const n = Number(m[1]);
    total += n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']);
  }
  return consumed === s.length ? total : undefined;
}

function parse(kind: Kind, v: string): { value?: number; reason?: string } {
  switch (kind) {
    case 'duration': {
      const d = parseDuration(v);
      return d === undefined ? { reason: `time: invalid duration "${v}"` } : { value: d };
    }
    case 'int':
      return /^\d+$/.test(v.trim()) ? { value: Number(v) } : { reason: `strconv.Atoi: parsing "${v}": invalid syntax` };
    case 'fraction': {
      const n = Number(v);
      return v.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 1 ? { value: n } : { reason: `must be a number between 0 and 1, got "${v}"` };
    }
    case 'bool':
      return v === 'true' || v === 'false' ? { value: v === 'true' ? 1 : 0 } : { reason: `strconv.ParseBool: parsing "${v}": invalid syntax` };
    case 'level':
      return LEVELS.includes(v) ? { value: LEVELS.indexOf(v) } : { reason: `unknown log level "${v}"` };
    case 'url':
      try {
        new URL(v);
        return { value: 1 };
      } catch {
        return { reason: `invalid URL "${v}"` };
      }
  }
}

export function loadConfig(env: Record<string, string>): ServiceConfig {
  const numbers: Record<string, number> = {};
  const errors: ConfigError[] = [];
  for (const [key, kind] of Object.entries(KINDS)) {
    const raw = env[key];
    if (raw === undefined) continue;
    const r = parse(kind, raw);
    if (r.value !== undefined) numbers[key] = r.value;
    else errors.push({ key, value: raw, reason: r.reason ?? 'invalid' });
  }
  const level = env.LOG_LEVEL && LEVELS.includes(env.LOG_LEVEL) ? (env.LOG_LEVEL as LogLevel) : 'info';
  return {
    numbers,
    logLevel: level,
    failFast: env.FAIL_FAST === 'true',
    errors,
    errorFor: (key) => errors.find((e) => e.key === key),
    num: (key, fallback) => numbers[key] ?? fallback,
  };
}
