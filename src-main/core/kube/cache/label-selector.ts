// Label selector strings as kubectl accepts them: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
// `a notin (x)`, `a`, `!a`, comma-separated (all must hold).
export type LabelRequirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: ReadonlySet<string> }
  | { op: 'exists' | 'absent'; key: string };

export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-zA-Z0-9_./]*[a-zA-Z0-9])?)$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, text: string): string {
  if (!KEY.test(key)) throw new Error(`invalid label selector "${text}": "${key}" is not a valid label key`);
  return key;
}
function checkValue(value: string, text: string): string {
  if (!VALUE.test(value)) throw new Error(`invalid label selector "${text}": "${value}" is not a valid label value`);
  return value;
}

/** Splits on commas outside parentheses. */
function clauses(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim()).filter((c) => c.length > 0);
}

export function parseLabelSelector(text: string): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  for (const clause of clauses(text)) {
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(clause);
    if (set) {
      const values = set[3]!.split(',').map((v) => checkValue(v.trim(), text));
      reqs.push({ op: set[2] === 'in' ? 'in' : 'notin', key: checkKey(set[1]!, text), values: new Set(values) });
      continue;
    }
    const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(clause);
    if (cmp) {
      reqs.push({ op: cmp[2] === '!=' ? 'neq' : 'eq', key: checkKey(cmp[1]!, text), value: checkValue(cmp[3]!, text) });
      continue;
    }
    if (clause.startsWith('!')) {
      reqs.push({ op: 'absent', key: checkKey(clause.slice(1).trim(), text) });
      continue;
    }
    reqs.push({ op: 'exists', key: checkKey(clause, text) });
  }
  return reqs;
}

export function labelMatcher(reqs: readonly LabelRequirement[]): LabelMatcher {
  return (labels) => {
    for (const r of reqs) {
      const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
      const v = has ? labels[r.key] : undefined;
      switch (r.op) {
        case 'eq':
          if (v !== r.value) return false;
          break;
        case 'neq':
          if (v === r.value) return false;
          break;
        case 'in':
          if (v === undefined || !r.values.has(v)) return false;
          break;
        case 'notin':
          if (v !== undefined && r.values.has(v)) return false;
          break;
        case 'exists':
          if (!has) return false;
          break;
        case 'absent':
          if (has) return false;
          break;
      }
    }
    return true;
  };
}
