import { expect, it } from 'vitest';
import { statusError } from '../../kube/kube-errors';
import { containersOf, describeFailure, parseSample, SampleParser } from './metrics-api';

it('reads NodeMetrics and PodMetrics into cores, bytes and unix ms', () => {
  expect(parseSample({ metadata: { name: 'n1' }, timestamp: '2024-01-02T03:04:05Z', window: '20.5s', usage: { cpu: '250m', memory: '1Gi' } })).toEqual({ name: 'n1', timestamp: Date.parse('2024-01-02T03:04:05Z'), windowS: 20.5, cpu: 0.25, memory: 2 ** 30 });
  const pod = parseSample({
    metadata: { name: 'p', namespace: 'ns' },
    timestamp: '2024-01-02T03:04:05Z',
    window: '1m0s',
    containers: [
      { name: 'a', usage: { cpu: '12500000n', memory: '49152Ki' } },
      { name: 'b', usage: { cpu: '1', memory: '128974848' } },
    ],
  })!;
  expect(pod).toMatchObject({ name: 'p', namespace: 'ns', windowS: 60, memory: 48 * 2 ** 20 + 128974848 });
  expect(pod.cpu).toBeCloseTo(1.0125);
  expect(containersOf(pod)).toEqual([
    { name: 'a', cpu: 0.0125, memory: 48 * 2 ** 20 },
    { name: 'b', cpu: 1, memory: 128974848 },
  ]);
  // Unusable items are skipped, not guessed; unparseable quantities count as 0.
  expect(parseSample({ metadata: { name: 'x' }, timestamp: 'yesterday' })).toBeUndefined();
  expect(parseSample({ timestamp: '2024-01-02T03:04:05Z' })).toBeUndefined();
  expect(parseSample({ metadata: { name: 'x' }, timestamp: '2024-01-02T03:04:05Z', usage: { cpu: 'lots', memory: '5Mi' } })).toMatchObject({ cpu: 0, memory: 5 * 2 ** 20, windowS: NaN });
});

it('reuses parsed timestamps and windows across a list, without mixing them up', () => {
  const p = new SampleParser();
  const a = p.parse({ metadata: { name: 'a' }, timestamp: '2024-01-02T03:04:05Z', window: '15s', usage: {} })!;
  const b = p.parse({ metadata: { name: 'b' }, timestamp: '2024-01-02T03:04:20Z', window: '15s', usage: {} })!;
  const c = p.parse({ metadata: { name: 'c' }, timestamp: '2024-01-02T03:04:20Z', usage: {} })!;
  expect(b.timestamp - a.timestamp).toBe(15_000);
  expect(c.windowS).toBeNaN();
});

it('says what a failed list means: not installed (404), not answering (503), not allowed (403)', () => {
  const client = { context: 'c', server: 'https://k', credentialKind: () => 'token', execCommand: () => undefined };
  const req = { path: '/apis/metrics.k8s.io/v1beta1/pods', intent: { verb: 'list', resource: 'pods.metrics.k8s.io' } };
  // What kube-apiserver answers when no APIService serves metrics.k8s.io.
  const notFound = statusError(404, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 }), req, client);
  expect(describeFailure(notFound, 'pods.metrics.k8s.io').status).toMatchObject({ state: 'not-installed', message: expect.stringMatching(/^metrics.k8s.io is not served by this cluster: metrics-server is not installed/) });
  // The APIService exists but metrics-server is down.
  const down = statusError(503, JSON.stringify({ kind: 'Status', status: 'Failure', message: 'the server is currently unable to handle the request', reason: 'ServiceUnavailable', code: 503 }), req, client);
  expect(describeFailure(down, 'pods.metrics.k8s.io').status).toMatchObject({ state: 'unavailable', message: expect.stringMatching(/registered but not answering \(503\).*kubectl get apiservice v1beta1.metrics.k8s.io/) });
  const forbidden = statusError(403, JSON.stringify({ kind: 'Status', status: 'Failure', message: 'pods.metrics.k8s.io is forbidden: User "dev" cannot list resource "pods" in API group "metrics.k8s.io" at the cluster scope', reason: 'Forbidden', code: 403 }), req, client);
  expect(describeFailure(forbidden, 'pods.metrics.k8s.io').status).toEqual({
    state: 'forbidden',
    verb: 'list',
    resource: 'pods.metrics.k8s.io',
    message: 'Not allowed to list pods.metrics.k8s.io cluster-wide: ask for RBAC "list" on "pods" in API group "metrics.k8s.io". pods.metrics.k8s.io is forbidden: User "dev" cannot list resource "pods" in API group "metrics.k8s.io" at the cluster scope',
  });
});
