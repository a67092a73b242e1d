import { describe, expect, it } from 'vitest';
import { kindTitle } from './kind-title';

const k = (kind: string) => ({ id: '', group: '', version: '', resource: '', kind, namespaced: true, columns: [], category: '' });

describe('kindTitle', () => {
  it('spaces and pluralizes kind names as people write them', () => {
    expect(['Pod', 'Ingress', 'NetworkPolicy', 'Endpoints', 'EndpointSlice', 'HorizontalPodAutoscaler', 'PersistentVolumeClaim'].map((n) => kindTitle(k(n)))).toEqual([
      'Pods',
      'Ingresses',
      'Network Policies',
      'Endpoints',
      'Endpoint Slices',
      'Horizontal Pod Autoscalers',
      'Persistent Volume Claims',
    ]);
  });
});
