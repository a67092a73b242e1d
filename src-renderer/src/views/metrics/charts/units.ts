// Human values for chart axes, tooltips and tables. A unit says what a number means; the
// formatter picks a scale (KiB, ms, k) so labels stay short.

export type Unit = 'bytes' | 'bytes/s' | 'seconds' | 'ratio' | 'percent' | 'reqps' | 'cores' | 'short';

export const units: Unit[] = ['short', 'bytes', 'bytes/s', 'seconds', 'ratio', 'percent', 'reqps', 'cores'];

export function isUnit(v: string | null | undefined): v is Unit {
  return !!v && (units as string[]).includes(v);
}

/** Up to 3 significant digits, no trailing zeros: 1.5, 12.3, 512, 0.0012. */
function trim(n: number): string {
  if (n === 0) return '0';
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(abs)));
  return String(Number(n.toFixed(digits)));
}

function scaled(v: number, base: number, suffixes: string[], unit: string): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < suffixes.length - 1) {
    x /= base;
    i++;
  }
  return `${trim(x)}${suffixes[i]}${unit}`;
}

const SI = ['', 'k', 'M', 'G', 'T', 'P'];
const IEC = [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB'];

function duration(s: number): string {
  const abs = Math.abs(s);
  if (abs === 0) return '0 s';
  if (abs < 1e-6) return `${trim(s * 1e9)} ns`;
  if (abs < 1e-3) return `${trim(s * 1e6)} µs`;
  if (abs < 1) return `${trim(s * 1e3)} ms`;
  if (abs < 60) return `${trim(s)} s`;
  if (abs < 3600) return `${trim(s / 60)} min`;
  if (abs < 86400) return `${trim(s / 3600)} h`;
  return `${trim(s / 86400)} d`;
}

/** A value in its unit, for labels and tooltips. NaN and infinities read as what they are. */
export function formatValue(v: number | null | undefined, unit: Unit = 'short'): string {
  if (v === null || v === undefined) return '–';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'bytes':
      return scaled(v, 1024, IEC, '');
    case 'bytes/s':
      return `${scaled(v, 1024, IEC, '')}/s`;
    case 'seconds':
      return duration(v);
    case 'ratio':
      return `${trim(v * 100)}%`;
    case 'percent':
      return `${trim(v)}%`;
    case 'reqps':
      return `${scaled(v, 1000, SI, '')} req/s`;
    case 'cores':
      if (v === 0) return '0';
      return Math.abs(v) < 1 ? `${trim(v * 1000)}m` : `${trim(v)} cores`;
    case 'short':
      return scaled(v, 1000, SI, '');
  }
}
