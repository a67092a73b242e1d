// A Prometheus the user names: a Service as `namespace/[https:]name[:port][/path/prefix]` (reached
// through the API server's proxy), or a URL the backend requests directly. Bad input gets a
// message that says what is wrong and what is expected.
import { ContractError } from '../../../contract/errors';
import type { PromLocation } from './endpoint';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PORT = /^([0-9]{1,5}|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

function bad(field: string, message: string): ContractError {
  return new ContractError('BAD_INPUT', `${field}: ${message}`, { field });
}

/** A clean path prefix: leading slash, no trailing slash, no /api/v1 (added per request). */
function cleanPrefix(path: string): string {
  const p = path.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return p === '' || p === '/' ? '' : p.startsWith('/') ? p : `/${p}`;
}

export function parseServiceRef(raw: string): PromLocation {
  const field = 'service';
  const s = raw.trim();
  const slash = s.indexOf('/');
  if (slash <= 0) throw bad(field, `expected namespace/name[:port][/path], e.g. monitoring/prometheus-operated:9090, got "${raw}"`);
  const namespace = s.slice(0, slash);
  let rest = s.slice(slash + 1);
  const pathAt = rest.indexOf('/');
  const prefix = pathAt >= 0 ? rest.slice(pathAt) : '';
  rest = pathAt >= 0 ? rest.slice(0, pathAt) : rest;
  let scheme: 'http' | 'https' | undefined;
  const schemeMatch = /^(https?):/.exec(rest);
  if (schemeMatch) {
    scheme = schemeMatch[1] as 'http' | 'https';
    rest = rest.slice(schemeMatch[0].length);
  }
  const [name = '', port, extra] = rest.split(':');
  if (extra !== undefined) throw bad(field, `too many ":" in "${raw}"; expected namespace/[https:]name[:port]`);
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) throw bad(field, `"${namespace}" is not a valid namespace name`);
  if (!DNS_LABEL.test(name) || name.length > 63) throw bad(field, `"${name}" is not a valid Service name`);
  if (port !== undefined && (!PORT.test(port) || port.length > 15 || (/^\d+$/.test(port) && (Number(port) < 1 || Number(port) > 65535)))) {
    throw bad(field, `"${port}" is not a port number (1-65535) or port name`);
  }
  if (/[?#\s]/.test(prefix)) throw bad(field, `the path "${prefix}" may not contain "?", "#" or spaces`);
  return { via: 'service', namespace, name, ...(port ? { port } : {}), ...(scheme === 'https' ? { scheme } : {}), pathPrefix: cleanPrefix(prefix) };
}

export function parseUrl(raw: string): PromLocation {
  const field = 'url';
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw bad(field, `"${raw}" is not a URL; expected e.g. http://prometheus.example:9090`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw bad(field, `only http and https are supported, got ${u.protocol.replace(/:$/, '')}`);
  if (u.username || u.password) throw bad(field, 'credentials in the URL are not supported (they would be stored in plain text)');
  if (u.search || u.hash) throw bad(field, 'give the base URL without a query or fragment, e.g. http://host:9090 or http://host:8481/select/0/prometheus');
  const pathPrefix = cleanPrefix(u.pathname);
  return { via: 'url', url: `${u.origin}${pathPrefix}`, pathPrefix: '' };
}
