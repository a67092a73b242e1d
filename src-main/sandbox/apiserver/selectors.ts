// Label and field selectors with kube-apiserver's syntax and semantics.
// Parsed once per request/watch into plain predicate functions.
import { ApiError } from './errors';

export type Labels = Readonly<Record<string, string>> | undefined;
export type LabelPredicate = (labels: Labels) => boolean;

interface Requirement {
  key: string;
  op: 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
  values: string[];
}

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`[-A-Za-z0-9_.]*`;
const RE_NOT_EXISTS = new RegExp(String.raw`^!\s*(${KEY})$`);
const RE_SET = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^)]*)\)$`);
const RE_EQ = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const RE_CMP = new RegExp(String.raw`^(${KEY})\s*(>|<)\s*(-?\d+)$`);
const RE_EXISTS = new RegExp(String.raw`^(${KEY})$`);
const RE_VALUE = new RegExp(String.raw`^${VALUE}$`);

/** Split on commas that are not inside parentheses (`a in (x,y),b`). */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

function parseRequirement(raw: string): Requirement {
  const s = raw.trim();
  let m: RegExpExecArray | null;
  if ((m = RE_NOT_EXISTS.exec(s))) return { key: m[1]!, op: '!exists', values: [] };
  if ((m = RE_SET.exec(s))) {
    const values = m[3]!.split(',').map((v) => v.trim());
    for (const v of values) if (!RE_VALUE.test(v)) throw badLabel(raw);
    return { key: m[1]!, op: m[2] as 'in' | 'notin', values };
  }
  if ((m = RE_EQ.exec(s))) return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] };
  if ((m = RE_CMP.exec(s))) return { key: m[1]!, op: m[2] === '>' ? 'gt' : 'lt', values: [m[3]!] };
  if ((m = RE_EXISTS.exec(s))) return { key: m[1]!, op: 'exists', values: [] };
  throw badLabel(raw);
}

function badLabel(raw: string): ApiError {
  return ApiError.badRequest(`unable to parse requirement: found '${raw.trim()}', expected: identifier, '!', 'in', 'notin', '=', '==', '!=', '>' or '<'`);
}

function matches(r: Requirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key]! : undefined;
  switch (r.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case '=':
      return has && v === r.values[0];
    case '!=':
      return !has || v !== r.values[0];
    case 'in':
      return has && r.values.includes(v!);
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v!)) return false;
      const n = Number(v);
      const bound = Number(r.values[0]);
      return r.op === 'gt' ? n > bound : n < bound;
    }
  }
}

function fromRequirements(reqs: Requirement[]): LabelPredicate | undefined {
  if (reqs.length === 0) return undefined;
  if (reqs.length === 1) {
    const r = reqs[0]!;
    return (l) => matches(r, l);
  }
  return (l) => {
    for (const r of reqs) if (!matches(r, l)) return false;
    return true;
  };
}

/** Parse a `labelSelector` query string. Returns undefined for "match everything". */
export function parseLabelSelector(s: string | undefined | null): LabelPredicate | undefined {
  if (!s || !s.trim()) return undefined;
  return fromRequirements(splitTopLevel(s).filter((p) => p.trim() !== '').map(parseRequirement));
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A metav1.LabelSelector (as in Deployment.spec.selector). An empty selector matches everything,
 *  a missing (undefined) one matches nothing, as in apimachinery's LabelSelectorAsSelector. */
export function labelSelectorFromObject(sel: LabelSelectorObject | undefined | null): LabelPredicate {
  if (!sel) return () => false;
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, op: '=', values: [v] });
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists' } as const)[e.operator as 'In'];
    if (!op) throw ApiError.badRequest(`"${e.operator}" is not a valid label selector operator`);
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return fromRequirements(reqs) ?? (() => true);
}

/** Render a metav1.LabelSelector in string form ("app=web,tier in (a,b)"), as kubectl shows it. */
export function labelSelectorToString(sel: LabelSelectorObject | undefined | null): string {
  if (!sel) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

// ---- field selectors ----

export type FieldGetter = (obj: any) => string;
export type FieldPredicate = (obj: unknown) => boolean;

/** Split on an unescaped separator; field selector values escape `\,` `\=` `\\`. */
function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Parse a `fieldSelector`; `fields` lists the selectable fields of the resource. */
export function parseFieldSelector(s: string | undefined | null, fields: Readonly<Record<string, FieldGetter>>): FieldPredicate | undefined {
  if (!s || !s.trim()) return undefined;
  const tests: ((o: unknown) => boolean)[] = [];
  for (const part of splitEscaped(s, ',')) {
    if (!part.trim()) continue;
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/s.exec(part.trim());
    if (!m) throw ApiError.badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    const field = m[1]!;
    const get = fields[field];
    if (!get) throw ApiError.badRequest(`field label not supported: ${field}`);
    const value = unescape(m[3]!);
    tests.push(m[2] === '!=' ? (o) => get(o) !== value : (o) => get(o) === value);
  }
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (o) => tests.every((t) => t(o));
}

/** Read a dotted path as a string, "" when absent (as kube's field set conversion does). */
export function pathGetter(path: string): FieldGetter {
  const parts = path.split('.');
  return (obj) => {
    let cur: any = obj;
    for (const p of parts) {
      if (cur == null) return '';
      cur = cur[p];
    }
    return cur == null ? '' : String(cur);
  };
}
