// Turns what can go wrong talking to an API server into one error type with a kind the UI can
// act on and a message that says what failed, why and what to do.

export type KubeErrorKind = 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'not-found' | 'gone' | 'conflict' | 'invalid' | 'server';

export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: Array<{ field?: string; message?: string; reason?: string }> };
}

export class KubeApiError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly extra: { status?: number; statusBody?: KubeStatus; verb?: string; resource?: string; namespace?: string; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

export function classifyNetworkError(err: Error & { code?: string }, server: string): KubeApiError {
  const code = err.code ?? '';
  if (tlsCodes.has(code) || /certificate|SSL|TLS/i.test(err.message)) {
    const advice =
      code === 'CERT_HAS_EXPIRED'
        ? 'the server certificate has expired'
        : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? 'the certificate does not name this address (check the server URL or tls-server-name)'
          : 'check certificate-authority(-data) in the kubeconfig, or insecure-skip-tls-verify for a test cluster';
    return new KubeApiError('tls', `TLS failure talking to ${server}: ${err.message} (${code || 'TLS'}); ${advice}`, { cause: err });
  }
  const why: Record<string, string> = {
    ECONNREFUSED: 'connection refused: nothing listens there',
    ENOTFOUND: 'host name not found (DNS)',
    EAI_AGAIN: 'DNS lookup failed (temporary)',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ECONNRESET: 'connection reset by the server or a proxy',
  };
  return new KubeApiError('unreachable', `cannot reach ${server}: ${why[code] ?? err.message}${code && !why[code] ? ` (${code})` : ''}`, { cause: err });
}

function parseStatus(body: string): KubeStatus | undefined {
  try {
    const parsed = JSON.parse(body) as KubeStatus;
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

interface ErrorContext {
  path: string;
  intent?: { verb: string; resource: string; namespace?: string; name?: string };
}
interface ClientFacts {
  context: string;
  server: string;
  credentialKind(): string;
  execCommand(): string | undefined;
}

function refreshAdvice(client: ClientFacts): string {
  switch (client.credentialKind()) {
    case 'exec':
      return `the exec credential plugin (${client.execCommand()}) returned a credential the server rejected: run it by hand to check it works, or log in again (e.g. aws sso login, gcloud auth login, az login)`;
    case 'oidc':
      return 'the OIDC token was rejected: log in again with your identity provider to refresh it';
    case 'token':
      return 'the bearer token in the kubeconfig is expired or revoked: get a new one and update the kubeconfig';
    case 'client-certificate':
      return 'the client certificate was rejected (expired, or signed by a CA the server does not trust): renew it';
    case 'basic':
      return 'the username/password were rejected';
    default:
      return 'the kubeconfig user has no credentials: add a token, certificate or exec plugin';
  }
}

export function statusError(status: number, body: string, req: ErrorContext, client: ClientFacts): KubeApiError {
  const parsed = parseStatus(body);
  const serverMessage = parsed?.message ?? body.slice(0, 300);
  const intent = req.intent;
  const what = intent ? `${intent.verb} ${intent.resource}${intent.name ? ` "${intent.name}"` : ''}${intent.namespace ? ` in namespace "${intent.namespace}"` : ''}` : req.path;
  const extra = { status, statusBody: parsed, verb: intent?.verb, resource: intent?.resource, namespace: intent?.namespace };
  switch (status) {
    case 401:
      return new KubeApiError('unauthorized', `401 Unauthorized from ${client.server} (context "${client.context}"): ${refreshAdvice(client)}`, extra);
    case 403:
      return new KubeApiError('forbidden', `403 Forbidden: not allowed to ${what}. ${serverMessage}`, extra);
    case 404:
      return new KubeApiError('not-found', `404 Not Found: ${what}: ${serverMessage}`, extra);
    case 409:
      return new KubeApiError('conflict', `409 Conflict: ${serverMessage}`, extra);
    case 410:
      return new KubeApiError('gone', `410 Gone: ${serverMessage}`, extra);
    case 422:
    case 400:
      return new KubeApiError('invalid', `${status} ${parsed?.reason ?? 'Invalid'}: ${serverMessage}`, extra);
    default:
      return new KubeApiError('server', `${status} from ${client.server} for ${what}: ${serverMessage}`, extra);
  }
}
