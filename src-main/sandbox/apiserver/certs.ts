// A throwaway CA and a serving certificate for 127.0.0.1/localhost, made at start, and client
// certificates from the same CA (the API server trusts it for client auth, as --client-ca-file).
// ECDSA P-256 keeps generation in the low milliseconds.
import { webcrypto } from 'node:crypto';
// @peculiar/x509 (through tsyringe) needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export interface ServingCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** A client certificate signed by the CA: CN is the user name, O entries its groups. */
  issueClientCert(subject: ClientSubject, validity?: { notBefore?: Date; notAfter?: Date }): Promise<{ certPem: string; keyPem: string }>;
}

export interface ClientSubject {
  user: string;
  groups?: string[];
}

/** An X.509 name with escaping of the characters RFC 4514 reserves. */
function distinguishedName(subject: ClientSubject): string {
  const esc = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');
  return [`CN=${esc(subject.user)}`, ...(subject.groups ?? []).map((g) => `O=${esc(g)}`)].join(', ');
}

const crypto = webcrypto as unknown as Crypto;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

export async function generateServingCerts(hosts: { dns: string[]; ips: string[] } = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] }): Promise<ServingCerts> {
  x509.cryptoProvider.set(crypto);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const caKeys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=orrery-sandbox-ca',
    keys: caKeys,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=kube-apiserver',
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...hosts.dns.map((value) => ({ type: 'dns' as const, value })),
        ...hosts.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keyDer = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  const issueClientCert: ServingCerts['issueClientCert'] = async (subject, validity = {}) => {
    const clientKeys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const client = await x509.X509CertificateGenerator.create({
      subject: distinguishedName(subject),
      issuer: ca.subject,
      publicKey: clientKeys.publicKey,
      signingKey: caKeys.privateKey,
      notBefore: validity.notBefore ?? notBefore,
      notAfter: validity.notAfter ?? notAfter,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    const clientKeyDer = await crypto.subtle.exportKey('pkcs8', clientKeys.privateKey);
    return { certPem: client.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', clientKeyDer) };
  };
  return { caPem: ca.toString('pem') + '\n', certPem: cert.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', keyDer), issueClientCert };
}
