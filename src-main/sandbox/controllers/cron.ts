// Cron schedules as Kubernetes CronJobs take them (robfig/cron's standard parser): five fields
// minute hour day-of-month month day-of-week with `*`, `?`, lists, ranges, steps, month and day
// names, Sunday as 0 or 7, and the @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly
// macros. When both day fields are restricted a day matching either runs (cron's OR rule).
// Times are UTC.

export interface CronSchedule {
  /** The first scheduled time strictly after `ms` (epoch ms, minute precision), or undefined. */
  next(ms: number): number | undefined;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  set: Set<number>;
  star: boolean;
}

function value(s: string, names: string[] | undefined, nameBase: number): number {
  const i = names?.indexOf(s.toUpperCase()) ?? -1;
  if (i >= 0) return i + nameBase;
  if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}`);
  return Number(s);
}

function field(src: string, min: number, max: number, names?: string[], nameBase = 0): Field {
  const set = new Set<number>();
  let star = false;
  for (const part of src.split(',')) {
    const [range, stepS] = part.split('/') as [string, string | undefined];
    const step = stepS === undefined ? 1 : Number(stepS);
    if (!Number.isInteger(step) || step < 1) throw new Error(`invalid step in ${part}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = min;
      hi = max;
      if (stepS === undefined) star = true;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      lo = value(a, names, nameBase);
      hi = value(b, names, nameBase);
    } else {
      lo = value(range, names, nameBase);
      hi = stepS === undefined ? lo : max;
    }
    if (lo < min || hi > max || lo > hi) throw new Error(`end of range (${hi}) above maximum (${max}) or beginning of range (${lo}) below minimum (${min}): ${part}`);
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return { set, star };
}

/** Parse a CronJob spec.schedule; throws with a message like kube's validation on bad input. */
export function parseCron(expr: string): CronSchedule {
  const src = MACROS[expr.trim().toLowerCase()] ?? expr.trim();
  const parts = src.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
  const minute = field(parts[0]!, 0, 59);
  const hour = field(parts[1]!, 0, 23);
  const dom = field(parts[2]!, 1, 31);
  const month = field(parts[3]!, 1, 12, MONTHS, 1);
  const dow = field(parts[4]!, 0, 7, DAYS, 0);
  if (dow.set.has(7)) dow.set.add(0);
  const dayMatches = (d: Date) => {
    const a = dom.set.has(d.getUTCDate());
    const b = dow.set.has(d.getUTCDay());
    return dom.star || dow.star ? a && b : a || b;
  };
  return {
    next(ms) {
      const d = new Date(Math.floor(ms / 60_000) * 60_000 + 60_000);
      const limit = ms + 5 * 366 * 86_400_000;
      while (d.getTime() <= limit) {
        if (!month.set.has(d.getUTCMonth() + 1)) {
          d.setUTCMonth(d.getUTCMonth() + 1, 1);
          d.setUTCHours(0, 0, 0, 0);
        } else if (!dayMatches(d)) {
          d.setUTCDate(d.getUTCDate() + 1);
          d.setUTCHours(0, 0, 0, 0);
        } else if (!hour.set.has(d.getUTCHours())) {
          d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
        } else if (!minute.set.has(d.getUTCMinutes())) {
          d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
        } else return d.getTime();
      }
      return undefined;
    },
  };
}
