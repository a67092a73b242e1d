// The Prometheus text exposition format (version 0.0.4), written the way the Go client library
// writes it: `# HELP` and `# TYPE` before each family, then one line per sample. The exporters
// build their whole answer per scrape into one array of lines: nothing is kept between scrapes.

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'untyped';

/** Label pairs in output order. */
export type Labels = readonly (readonly [string, string])[];

function escapeValue(v: string): string {
  // Most values need no escaping; skip the regex work for them.
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

function escapeHelp(v: string): string {
  return /[\\\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : v;
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export class Exposition {
  private readonly lines: string[] = [];

  /** Start a family. Families are written whole: header, then their samples. */
  family(name: string, type: MetricType, help: string): this {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, labels: Labels, value: number): this {
    let s = name;
    if (labels.length) {
      s += '{';
      for (let i = 0; i < labels.length; i++) {
        const [k, v] = labels[i]!;
        s += `${i ? ',' : ''}${k}="${escapeValue(v)}"`;
      }
      s += '}';
    }
    this.lines.push(`${s} ${formatValue(value)}`);
    return this;
  }

  get size(): number {
    return this.lines.length;
  }

  text(): string {
    return this.lines.length ? `${this.lines.join('\n')}\n` : '';
  }
}
