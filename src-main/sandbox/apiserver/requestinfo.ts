// Turns a request into kube-apiserver's RequestInfo: verb, group/version, namespace, resource,
// subresource and name (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).

export interface RequestInfo {
  resourceRequest: boolean;
  verb: string;
  path: string;
  group: string;
  version: string;
  namespace?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** Path segments after the subresource (proxy paths), joined with a leading "/". */
  subpath?: string;
  /** The request targets /api/v1 or /apis/{g}/{v} itself (discovery). */
  discovery: boolean;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const base: RequestInfo = { resourceRequest: false, verb: method === 'POST' ? 'post' : method.toLowerCase(), path: pathname, group: '', version: '', discovery: false };
  if (method === 'GET' || method === 'HEAD') base.verb = 'get';
  const raw = pathname.split('/').slice(1);
  let parts: string[];
  if (raw[0] === 'api' && raw.length >= 2 && raw[1]) {
    base.version = raw[1];
    parts = raw.slice(2);
  } else if (raw[0] === 'apis' && raw.length >= 3 && raw[1] && raw[2]) {
    base.group = raw[1];
    base.version = raw[2];
    parts = raw.slice(3);
  } else return base;
  if (parts.length === 0 || (parts.length === 1 && parts[0] === '')) return { ...base, discovery: true };
  const info: RequestInfo = { ...base, resourceRequest: true };
  let cur = parts.map((p, i) => (i < 4 ? decodeURIComponent(p) : p));
  if (cur[0] === 'namespaces' && cur.length > 1) {
    info.namespace = cur[1];
    if (cur.length > 2 && !NAMESPACE_SUBRESOURCES.has(cur[2]!)) cur = cur.slice(2);
  }
  info.resource = cur[0];
  if (cur.length >= 2 && cur[1] !== '') info.name = cur[1];
  if (cur.length >= 3) info.subresource = cur[2];
  if (cur.length >= 4) info.subpath = '/' + cur.slice(3).join('/');
  else if (info.subresource === 'proxy') info.subpath = pathname.endsWith('/') ? '/' : '';
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  switch (method) {
    case 'GET':
    case 'HEAD':
      info.verb = info.name ? 'get' : watch ? 'watch' : 'list';
      break;
    case 'POST':
      info.verb = 'create';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = info.name ? 'delete' : 'deletecollection';
      break;
    default:
      info.verb = '';
  }
  return info;
}
