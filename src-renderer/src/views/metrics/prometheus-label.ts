import type { PrometheusCandidate } from '../../../../src-main/contract/metrics-types';

/** "monitoring/prometheus-operated:web", "https:monitoring/x:443/prefix" or the URL. */
export function candidateLabel(c: PrometheusCandidate): string {
  if (c.via === 'url') return c.url ?? c.id;
  const scheme = c.scheme === 'https' ? 'https:' : '';
  return `${c.via === 'pod' ? 'pod ' : ''}${c.namespace}/${scheme}${c.name}${c.port ? `:${c.port}` : ''}${c.pathPrefix}`;
}

/** A manual choice as the contract takes it: a URL, or a Service "namespace/name[:port][/prefix]". */
export function parseManualChoice(text: string): { url: string } | { service: string } | { error: string } {
  const t = text.trim();
  if (/^https?:\/\//i.test(t)) {
    try {
      const u = new URL(t);
      if (u.username || u.password) return { error: 'A URL with credentials in it is not accepted.' };
      return { url: t };
    } catch {
      return { error: `"${t}" is not a valid URL.` };
    }
  }
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/(https?:)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(:[a-z0-9-]+)?(\/\S*)?$/.test(t)) return { service: t };
  return { error: 'Expected a Service as namespace/name:port (e.g. monitoring/prometheus-operated:9090) or a URL (http://host:9090).' };
}
