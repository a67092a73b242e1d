// Kubelet timestamps (RFC3339Nano in UTC; the kubelet trims trailing zeros of the fraction, other
// writers may not, and the digit count keeps either exact) as two numbers and a digit count: the
// backend's ring buffer keeps 13 bytes instead of 30 per line and gives the same text back; the
// renderer orders lines by them. Anything else (another offset, a leap second, no timestamp) is
// not encoded: the caller keeps the text.
import { detached } from './detached';

export interface CompactTime {
  /** Seconds since the epoch. */
  seconds: number;
  /** The fraction as nanoseconds. */
  nanos: number;
  /** Digits of the fraction as written (0: none). */
  digits: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// Consecutive timestamps mostly share their second: its text and value are kept, and a timestamp
// with the same first 19 characters only has its fraction read.
let lastSecondText = '';
let lastSecond = 0;

/** "2024-01-02T15:04:05.123Z" -> numbers, or undefined when it is not in that exact form. */
export function encodeTime(ts: string, out: CompactTime): boolean {
  const n = ts.length;
  if (n < 20 || n > 30 || ts.charCodeAt(n - 1) !== 0x5a /* Z */) return false;
  let seconds: number;
  if (lastSecondText !== '' && ts.startsWith(lastSecondText)) seconds = lastSecond;
  else {
    if (ts[4] !== '-' || ts[7] !== '-' || ts[10] !== 'T' || ts[13] !== ':' || ts[16] !== ':') return false;
    const y = digitsAt(ts, 0, 4);
    const mo = digitsAt(ts, 5, 2);
    const d = digitsAt(ts, 8, 2);
    const h = digitsAt(ts, 11, 2);
    const mi = digitsAt(ts, 14, 2);
    const s = digitsAt(ts, 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return false;
    if (d > (mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1]!)) return false;
    seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    // A copy: a slice would keep the whole string it came from alive (a decoded socket chunk).
    lastSecondText = detached(ts.slice(0, 19));
    lastSecond = seconds;
  }
  let nanos = 0;
  let digits = 0;
  if (n > 20) {
    digits = n - 21;
    if (ts[19] !== '.' || digits < 1) return false;
    const f = digitsAt(ts, 20, digits);
    if (f < 0) return false;
    nanos = f * 10 ** (9 - digits);
  }
  out.seconds = seconds;
  out.nanos = nanos;
  out.digits = digits;
  return true;
}

export function decodeTime(seconds: number, nanos: number, digits: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return digits === 0 ? `${base}Z` : `${base}.${String(nanos).padStart(9, '0').slice(0, digits)}Z`;
}
