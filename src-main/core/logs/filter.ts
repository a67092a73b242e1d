// The view filter: include/exclude regex, levels, pods, containers and free text, compiled once
// into one predicate. Invalid regexes become BAD_INPUT naming the field, the engine's message and
// the position where the pattern goes wrong.
import { ContractError } from '../../contract/errors';
import type { LogLevel } from '../../contract/types';
import type { StoredLine } from './stored';

export interface LogFilterSpec {
  include?: string;
  exclude?: string;
  levels?: Array<LogLevel | 'unknown'>;
  /** "namespace/pod", or "context/namespace/pod" for one context's pod. */
  pods?: string[];
  containers?: string[];
  text?: string;
}

export type LinePredicate = (line: Pick<StoredLine, 'level' | 'src'>, raw: string) => boolean;

/** Compiles a user regex or throws BAD_INPUT {field, pattern, message, position}. */
export function compileRegex(field: string, pattern: string, flags = ''): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    const message = (err as Error).message;
    const position = errorPosition(pattern, flags);
    throw new ContractError('BAD_INPUT', `Invalid regular expression in ${field} at position ${position}: ${message}`, { field, pattern, message, position });
  }
}

// Errors that only mean "not finished yet": a prefix failing with one of these may still be
// valid once more is typed, so they do not pin the position.
const INCOMPLETE = /Unterminated|\\ at end of pattern|Incomplete quantifier|Lone quantifier brackets/;

/**
 * V8 does not report where a pattern fails. The position is the end of the longest prefix that
 * is not wrong on its own: the first prefix failing for a reason other than being incomplete
 * ("Nothing to repeat" at "*"); the pattern's length when it is merely unfinished ("(abc").
 * Patterns are at most 1000 characters, so trying every prefix on this error path is cheap.
 */
export function errorPosition(pattern: string, flags = ''): number {
  for (let k = 1; k <= pattern.length; k++) {
    try {
      new RegExp(pattern.slice(0, k), flags);
    } catch (err) {
      if (!INCOMPLETE.test((err as Error).message)) return k - 1;
    }
  }
  return pattern.length;
}

export function compileFilter(spec: LogFilterSpec | undefined): LinePredicate | undefined {
  if (!spec) return undefined;
  const tests: LinePredicate[] = [];
  if (spec.levels && spec.levels.length > 0) {
    const levels = new Set<string>(spec.levels);
    tests.push((l) => levels.has(l.level ?? 'unknown'));
  }
  if (spec.pods && spec.pods.length > 0) {
    // "namespace/pod" in any context, or "context/namespace/pod" (a view over several contexts;
    // a context name may hold "/" itself, names and namespaces cannot).
    const pods = new Set(spec.pods);
    tests.push((l) => pods.has(`${l.src.namespace}/${l.src.pod}`) || (l.src.context !== undefined && pods.has(`${l.src.context}/${l.src.namespace}/${l.src.pod}`)));
  }
  if (spec.containers && spec.containers.length > 0) {
    const containers = new Set(spec.containers);
    tests.push((l) => containers.has(l.src.container));
  }
  // Regexes and text test the whole line, so a JSON line matches on its fields too.
  if (spec.include) {
    const re = compileRegex('include', spec.include);
    tests.push((_l, raw) => re.test(raw));
  }
  if (spec.exclude) {
    const re = compileRegex('exclude', spec.exclude);
    tests.push((_l, raw) => !re.test(raw));
  }
  if (spec.text) {
    const needle = spec.text.toLowerCase();
    tests.push((_l, raw) => raw.toLowerCase().includes(needle));
  }
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (l, raw) => {
    for (const t of tests) if (!t(l, raw)) return false;
    return true;
  };
}
