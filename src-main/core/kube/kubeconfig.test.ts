import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubeconfigPaths, loadKubeconfig, summarizeContexts } from './kubeconfig';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orrery-kc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fileA = `apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: c1
  cluster: { server: https://one.example:6443, certificate-authority: certs/ca.pem }
- name: shared
  cluster: { server: https://from-a.example }
users:
- name: u1
  user: { token: abc, client-key: keys/k.pem }
contexts:
- name: alpha
  context: { cluster: c1, user: u1, namespace: shop }
- name: dup
  context: { cluster: c1, user: u1 }
`;
const fileB = `apiVersion: v1
current-context: beta
clusters:
- name: shared
  cluster: { server: https://from-b.example }
users:
- name: u2
  user: { token: def }
contexts:
- name: beta
  context: { cluster: shared, user: u2 }
- name: dup
  context: { cluster: shared, user: u2, namespace: ignored }
- name: orphan
  context: { cluster: nowhere, user: ghost }
`;

describe('kubeconfigPaths', () => {
  it('prefers an explicit path, then KUBECONFIG (deduplicated, empty parts skipped), then ~/.kube/config', () => {
    expect(kubeconfigPaths({ explicit: '/x/config' })).toEqual(['/x/config']);
    expect(kubeconfigPaths({ env: { KUBECONFIG: '/a::/b:/a' } })).toEqual(['/a', '/b']);
    expect(kubeconfigPaths({ env: {}, home: '/home/u' })).toEqual(['/home/u/.kube/config']);
  });
});

describe('loadKubeconfig', () => {
  it('merges files the way kubectl does: first definition and first current-context win', async () => {
    await writeFile(join(dir, 'a'), fileA);
    await writeFile(join(dir, 'b'), fileB);
    const snap = summarizeContexts(await loadKubeconfig([join(dir, 'a'), join(dir, 'b')]));
    expect(snap.currentContext).toBe('alpha');
    expect(snap.contexts.map((c) => c.name)).toEqual(['alpha', 'dup', 'beta', 'orphan']);
    const byName = Object.fromEntries(snap.contexts.map((c) => [c.name, c]));
    expect(byName.alpha).toMatchObject({ cluster: 'c1', server: 'https://one.example:6443', user: 'u1', namespace: 'shop', file: join(dir, 'a') });
    expect(byName.dup).toMatchObject({ cluster: 'c1', namespace: 'default', file: join(dir, 'a') });
    expect(byName.beta?.server).toBe('https://from-a.example'); // cluster "shared": file a wins
    expect(byName.orphan?.error).toMatch(/refers to cluster "nowhere", which no kubeconfig file defines/);
    expect(byName.orphan?.error).toMatch(/refers to user "ghost"/);
    expect(snap.missing).toBeUndefined();
  });

  it('resolves relative credential paths against the file that defines them', async () => {
    await writeFile(join(dir, 'a'), fileA);
    const merged = await loadKubeconfig([join(dir, 'a')]);
    expect(merged.clusters.get('c1')?.value['certificate-authority']).toBe(join(dir, 'certs/ca.pem'));
    expect(merged.users.get('u1')?.value['client-key']).toBe(join(dir, 'keys/k.pem'));
  });

  it('skips missing files and says where it looked when none exists', async () => {
    const snap = summarizeContexts(await loadKubeconfig([join(dir, 'nope'), join(dir, 'nada')]));
    expect(snap.contexts).toEqual([]);
    expect(snap.files.every((f) => !f.exists && !f.error)).toBe(true);
    expect(snap.missing).toContain(join(dir, 'nope'));
  });

  it('names the file, line and column of bad YAML and keeps the other files', async () => {
    await writeFile(join(dir, 'bad'), 'clusters:\n  - name: x\n   cluster: [unclosed\n');
    await writeFile(join(dir, 'b'), fileB);
    const snap = summarizeContexts(await loadKubeconfig([join(dir, 'bad'), join(dir, 'b')]));
    expect(snap.files[0]?.error).toMatch(new RegExp(`^${join(dir, 'bad')}: invalid YAML at line \\d+, column \\d+`));
    expect(snap.contexts.map((c) => c.name)).toContain('beta');
  });

  it('reports entries without names or bodies, and non-mapping documents', async () => {
    await writeFile(join(dir, 'odd'), 'contexts:\n- context: {cluster: a}\n- name: n\nclusters: 5\n');
    await writeFile(join(dir, 'list'), '- a\n- b\n');
    const merged = await loadKubeconfig([join(dir, 'odd'), join(dir, 'list')]);
    expect(merged.files[0]?.error).toContain('contexts[0] has no name');
    expect(merged.files[0]?.error).toContain('contexts[1] ("n") has no "context" mapping');
    expect(merged.files[0]?.error).toContain('"clusters" must be a list');
    expect(merged.files[1]?.error).toMatch(/expected a kubeconfig mapping .* found a list/);
  });

  it('reports an unreadable file with its path', async () => {
    if (process.getuid?.() === 0) {
      // root reads anything: use a directory, which fails to read as a file for everyone.
      const snap = await loadKubeconfig([dir]);
      expect(snap.files[0]?.error).toMatch(new RegExp(`^${dir}: cannot read file \\(EISDIR\\)`));
      return;
    }
    await writeFile(join(dir, 'locked'), fileA);
    await chmod(join(dir, 'locked'), 0);
    const snap = await loadKubeconfig([join(dir, 'locked')]);
    expect(snap.files[0]?.error).toMatch(/cannot read file \(EACCES\)/);
  });

  it('flags a cluster without a server', async () => {
    await writeFile(join(dir, 'a'), 'clusters: [{name: c, cluster: {}}]\ncontexts: [{name: x, context: {cluster: c}}]\n');
    const snap = summarizeContexts(await loadKubeconfig([join(dir, 'a')]));
    expect(snap.contexts[0]?.error).toMatch(/cluster "c" in .* has no server URL/);
  });

  it('never throws on arbitrary input (fuzz)', async () => {
    const pieces = ['clusters:', 'contexts:', 'users:', '- name: a', '  cluster: {server: x}', '  context: {cluster: a}', 'current-context: [', ': :', '\t', '{', '}', '"', "'", '&a', '*a', '!!binary', '---', '\u0000', '- ', '  ', 'null', '1e999', '~'];
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: 1 + rand(12) }, () => pieces[rand(pieces.length)]).join(rand(2) ? '\n' : ' ');
      await writeFile(join(dir, 'f'), text);
      const merged = await loadKubeconfig([join(dir, 'f')]);
      expect(() => summarizeContexts(merged)).not.toThrow();
    }
  });
});
