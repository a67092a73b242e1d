// The JSONPath subset CRD printer columns use (k8s.io/client-go/util/jsonpath without the
// template parts): .field, ['field'], [n], [*], .*, and filters [?(@.a.b == "x")] with ==, !=,
// <, >, <=, >= or bare existence. Parsed once per column, evaluated per object.

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: Step[]; op?: '==' | '!=' | '<' | '>' | '<=' | '>='; value?: string | number | boolean | null };

export interface JsonPath {
  readonly source: string;
  readonly steps: readonly Step[];
}

export class JsonPathError extends Error {}

function parseLiteral(text: string): string | number | boolean | null {
  const t = text.trim();
  if (/^(["']).*\1$/s.test(t)) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  const n = Number(t);
  if (t !== '' && !Number.isNaN(n)) return n;
  throw new JsonPathError(`unrecognized literal ${t}`);
}

function parseSteps(src: string, start: number, stopAt?: RegExp): { steps: Step[]; end: number } {
  const steps: Step[] = [];
  let i = start;
  while (i < src.length) {
    if (stopAt && stopAt.test(src[i]!)) break;
    const c = src[i]!;
    if (c === '.') {
      i++;
      if (src[i] === '*') {
        steps.push({ kind: 'wildcard' });
        i++;
        continue;
      }
      const m = /^(?:\\.|[^.[\]\s!=<>)])+/.exec(src.slice(i));
      if (!m) throw new JsonPathError(`expected a field name at ${i} in "${src}"`);
      steps.push({ kind: 'field', name: m[0].replace(/\\(.)/g, '$1') });
      i += m[0].length;
    } else if (c === '[') {
      const close = src.indexOf(']', i);
      if (close < 0) throw new JsonPathError(`unclosed [ in "${src}"`);
      const inner = src.slice(i + 1, close).trim();
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^(["']).*\1$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) {
        const expr = inner.slice(2, -1).trim();
        if (!expr.startsWith('@')) throw new JsonPathError(`filter must start with @ in "${src}"`);
        const left = parseSteps(expr, 1, /[\s!=<>]/);
        const rest = expr.slice(left.end).trim();
        if (rest === '') steps.push({ kind: 'filter', path: left.steps });
        else {
          const m = /^(==|!=|<=|>=|<|>)(.*)$/s.exec(rest);
          if (!m) throw new JsonPathError(`unrecognized filter "${expr}" in "${src}"`);
          steps.push({ kind: 'filter', path: left.steps, op: m[1] as '==', value: parseLiteral(m[2]!) });
        }
      } else throw new JsonPathError(`unrecognized [${inner}] in "${src}"`);
      i = close + 1;
    } else throw new JsonPathError(`unexpected "${c}" at ${i} in "${src}"`);
  }
  return { steps, end: i };
}

/** Parses ".status.replicas" or "{.status.replicas}"; throws JsonPathError when invalid. */
export function parseJsonPath(source: string): JsonPath {
  let src = source.trim();
  if (src.startsWith('{') && src.endsWith('}')) src = src.slice(1, -1).trim();
  if (src.startsWith('$')) src = src.slice(1);
  if (!src.startsWith('.') && !src.startsWith('[')) throw new JsonPathError(`"${source}" must start with "." (e.g. .status.replicas)`);
  return { source, steps: parseSteps(src, 0).steps };
}

function compare(a: unknown, op: NonNullable<Extract<Step, { kind: 'filter' }>['op']>, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default: {
      if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
      const x = a as number | string;
      const y = b as number | string;
      return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
    }
  }
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') return Object.values(v);
  return [];
}

function walk(values: unknown[], steps: readonly Step[]): unknown[] {
  let cur = values;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      switch (step.kind) {
        case 'field':
          if (v && typeof v === 'object' && !Array.isArray(v) && step.name in v) next.push((v as Record<string, unknown>)[step.name]);
          break;
        case 'index':
          if (Array.isArray(v)) {
            const i = step.index < 0 ? v.length + step.index : step.index;
            if (i >= 0 && i < v.length) next.push(v[i]);
          }
          break;
        case 'wildcard':
          next.push(...children(v));
          break;
        case 'filter':
          for (const item of children(v)) {
            const found = walk([item], step.path);
            if (step.op === undefined ? found.length > 0 && found[0] !== null && found[0] !== false : found.some((f) => compare(f, step.op!, step.value))) next.push(item);
          }
          break;
      }
    }
    cur = next;
  }
  return cur;
}

/** All values the path selects in `obj`, in document order. */
export function evaluateJsonPath(path: JsonPath, obj: unknown): unknown[] {
  return walk([obj], path.steps);
}
