// A minimal Kubernetes API client for scenarios: real HTTPS requests as the `orrery-scenario`
// user, so every change a scenario makes shows up in the audit log like kubectl's would.
import { request } from 'node:https';
import type { ApiServer } from '../apiserver/server';

export class ScenarioClient {
  constructor(
    private readonly api: ApiServer,
    private readonly user: string,
  ) {}

  call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> {
    const token = this.api.users.find((u) => u.name === this.user)?.token ?? '';
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.api.url),
        {
          method,
          ca: this.api.caPem,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            'User-Agent': 'orrery-scenario/1.0 (sandbox fault injection)',
            ...(data !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => {
            const json = text ? JSON.parse(text) : undefined;
            if ((res.statusCode ?? 500) >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${json?.message ?? text}`));
            else resolve(json);
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }

  get(path: string): Promise<any> {
    return this.call('GET', path);
  }

  mergePatch(path: string, body: unknown): Promise<any> {
    return this.call('PATCH', path, body, 'application/merge-patch+json');
  }

  jsonPatch(path: string, ops: unknown[]): Promise<any> {
    return this.call('PATCH', path, ops, 'application/json-patch+json');
  }
}

export const deploymentPath = (ns: string, name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;
export const configMapPath = (ns: string, name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`;
