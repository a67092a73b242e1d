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

/** Facts about a context's credential that explain why a server rejects it. */
export interface CredentialDetails {
  clientCertificate?: { subject: string; issuer: string; notBefore: Date; notAfter: Date } | { unreadable: string };
  oidc?: { issuer?: string; expiresAt?: Date; hasRefreshToken: boolean };
}

/** `proxy` is the cluster's proxy-url: with one, every connection goes to the proxy first. */
export function classifyNetworkError(err: Error & { code?: string }, server: string, proxy?: string): KubeApiError {
  const code = err.code ?? '';
  // hpagent (client-node's CONNECT proxy agent) reports a refused tunnel as "Bad response: <status>".
  const tunnel = proxy ? /^Bad response: (\d+)/.exec(err.message) : null;
  if (proxy && tunnel) {
    const status = Number(tunnel[1]);
    const hint = status === 407 ? ' (proxy authentication required: put the user and password in proxy-url)' : status === 502 || status === 503 || status === 504 ? ' (the proxy could not reach the server)' : '';
    return new KubeApiError('unreachable', `cannot reach ${server} through the proxy ${proxy}: the proxy answered ${status} to CONNECT${hint}`, { cause: err });
  }
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
  const reason = `${why[code] ?? err.message}${code && !why[code] ? ` (${code})` : ''}`;
  // Connecting at all goes to the proxy, so a connect-level failure is the proxy's.
  if (proxy) return new KubeApiError('unreachable', `cannot reach ${server} through the proxy ${proxy}: ${code === 'ECONNRESET' ? '' : 'the proxy: '}${reason}`, { cause: err });
  return new KubeApiError('unreachable', `cannot reach ${server}: ${reason}`, { cause: err });
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
  credentialDetails?(): CredentialDetails;
}

function certificateAdvice(cert: CredentialDetails['clientCertificate'], now = new Date()): string {
  if (!cert) return 'the client certificate was rejected (expired, or signed by a CA the server does not trust): renew it';
  if ('unreadable' in cert) return `the client certificate in the kubeconfig cannot be read (${cert.unreadable}): fix client-certificate(-data)`;
  const cn = /(?:^|, )CN=([^,]*)/.exec(cert.subject)?.[1];
  const who = cn ? ` (CN=${cn})` : '';
  const renew = "renew it (re-run your cluster's credential command, or ask the cluster administrator for a new one)";
  if (cert.notAfter < now) return `the client certificate${who} expired at ${cert.notAfter.toISOString()}: ${renew}`;
  if (cert.notBefore > now) return `the client certificate${who} is not valid before ${cert.notBefore.toISOString()} (check this machine's clock)`;
  return `the client certificate${who} was rejected: it is valid until ${cert.notAfter.toISOString()}, so its issuer (${cert.issuer}) is probably not a CA this server trusts for client certificates: get one signed by the cluster's client CA`;
}

function oidcAdvice(oidc: CredentialDetails['oidc']): string {
  const until = oidc?.expiresAt ? ` (valid until ${oidc.expiresAt.toISOString()}${oidc.issuer ? `, from ${oidc.issuer}` : ''})` : '';
  return `the server rejected the OIDC id-token${until}: the server may trust another issuer or client-id, or the token was revoked. Log in again with your identity provider (e.g. \`kubectl oidc-login get-token\`, kubelogin) to get a new one`;
}

function refreshAdvice(client: ClientFacts): string {
  switch (client.credentialKind()) {
    case 'exec':
      return `the exec credential plugin (${client.execCommand()}) returned a credential the server rejected: run it by hand to check it works, or log in again (e.g. aws sso login, gcloud auth login, az login)`;
    case 'oidc':
      return oidcAdvice(client.credentialDetails?.().oidc);
    case 'token':
      return 'the bearer token in the kubeconfig is expired or revoked: get a new one and update the kubeconfig';
    case 'client-certificate':
      return certificateAdvice(client.credentialDetails?.().clientCertificate);
    case 'basic':
      return 'the server rejected the username/password. Kubernetes removed basic authentication in 1.19, so current API servers refuse it whatever the password: switch this kubeconfig user to a token, client certificate or exec plugin (only if this server is older or still configured for basic auth is the password simply wrong)';
    default:
      return 'the kubeconfig user has no credentials: add a token, certificate or exec plugin';
  }
}

/** A 403 for system:anonymous means the credentials were not recognized at all (not a missing permission). */
function anonymousAdvice(serverMessage: string, client: ClientFacts): string {
  if (!/User "system:anonymous"/.test(serverMessage) || client.credentialKind() === 'none') return '';
  const basic = client.credentialKind() === 'basic' ? ': API servers since Kubernetes 1.19 ignore basic authentication (username/password); use a token, client certificate or exec plugin' : '';
  return ` The server treated the request as anonymous, so it did not recognize the kubeconfig's credentials${basic}.`;
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
      return new KubeApiError('forbidden', `403 Forbidden: not allowed to ${what}. ${serverMessage}${anonymousAdvice(serverMessage, client)}`, extra);
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
