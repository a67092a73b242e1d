// Fills a panel's PromQL with the dashboard's variables. Values go into label matchers, so they
// are escaped for a regex (=~) and for a double-quoted string; All matches any value.
import { ALL, type VariableValues } from './types';

/** A literal as a RE2 pattern inside a PromQL double-quoted string. */
export function regexLiteral(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Grafana's $__rate_interval: at least four scrapes (so rate() always has two samples even
 * when one scrape fails) and at least one step plus a scrape.
 */
export function rateInterval(stepS: number, scrapeS = 30): string {
  return `${Math.max(4 * scrapeS, stepS + scrapeS)}s`;
}

export function interpolate(expr: string, values: VariableValues, o: { stepS: number; scrapeS?: number }): string {
  return expr.replace(/\$(__rate_interval|[a-zA-Z_][a-zA-Z0-9_]*)/g, (whole, name: string) => {
    if (name === '__rate_interval') return rateInterval(o.stepS, o.scrapeS);
    const v = values[name];
    if (v === undefined) return whole;
    return v === ALL ? '.+' : regexLiteral(v);
  });
}

/** Variables a query uses (for knowing when it can run). */
export function usedVariables(expr: string): string[] {
  return [...expr.matchAll(/\$([a-zA-Z][a-zA-Z0-9_]*)/g)].map((m) => m[1]!);
}
