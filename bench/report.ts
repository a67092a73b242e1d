// Each benchmark prints its results as one JSON line prefixed with BENCH-RESULT; bench/run.mjs
// gathers them into the table and bench/results.json.
export interface BenchResult {
  name: string;
  unit: string;
  figure: number;
  baseline: number;
  baselineName: string;
  better: 'higher' | 'lower';
  /** Optional target, expressed as a bound on figure/baseline. */
  target?: { maxRatio?: number; minRatio?: number };
}

export function report(results: BenchResult[]) {
  for (const r of results) console.log(`BENCH-RESULT ${JSON.stringify(r)}`);
}
