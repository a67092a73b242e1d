import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { dashboards } from './index';
import { interpolate, usedVariables } from './interpolate';
import { ALL } from './types';

/** Offsets of syntax errors in a PromQL expression (lezer marks them with error nodes). */
function syntaxErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({ enter: (n) => void (n.type.isError && errors.push(n.from)) });
  return errors;
}

describe('built-in dashboards', () => {
  it('have unique ids, and panels with unique ids and at least one query', () => {
    expect(new Set(dashboards.map((d) => d.id)).size).toBe(dashboards.length);
    for (const d of dashboards) {
      expect(new Set(d.panels.map((p) => p.id)).size, d.id).toBe(d.panels.length);
      for (const p of d.panels) expect(p.queries.length, `${d.id}/${p.id}`).toBeGreaterThan(0);
    }
  });

  for (const d of dashboards) {
    it(`${d.id}: every query uses only declared variables and parses once filled`, () => {
      const declared = new Set(d.variables.map((v) => v.name));
      const values = Object.fromEntries(d.variables.map((v) => [v.name, v.includeAll ? ALL : 'some-name-1.x']));
      for (const p of d.panels) {
        for (const q of p.queries) {
          for (const name of usedVariables(q.expr)) expect(declared.has(name), `${d.id}/${p.id} uses $${name}`).toBe(true);
          const filled = interpolate(q.expr, values, { stepS: 15 });
          expect(syntaxErrors(filled), `${d.id}/${p.id}: ${filled}`).toEqual([]);
        }
      }
    });
  }

  it('the syntax check catches a broken query', () => {
    expect(syntaxErrors('sum(rate(x[5m])')).not.toEqual([]);
  });
});
