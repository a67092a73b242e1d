// Reads kubeconfig files and merges them the way kubectl does: files in KUBECONFIG order, the
// first file to define a cluster, user or context name wins, the first current-context wins,
// missing files are skipped. Every problem is reported with the file (and line) it comes from;
// one broken file or entry never hides the others.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ContextSummary, ContextsSnapshot, KubeconfigFileStatus } from '../../contract/types';

type Entry = Record<string, unknown>;

export interface NamedEntry {
  name: string;
  /** The cluster/user/context body, with relative file paths made absolute. */
  value: Entry;
  file: string;
}

export interface MergedKubeconfig {
  files: KubeconfigFileStatus[];
  clusters: Map<string, NamedEntry>;
  users: Map<string, NamedEntry>;
  contexts: Map<string, NamedEntry>;
  currentContext?: string;
}

/** Where kubeconfig comes from: an explicit path, else KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPaths(opts: { explicit?: string; env?: NodeJS.ProcessEnv; home?: string } = {}): string[] {
  if (opts.explicit) return [resolve(opts.explicit)];
  const env = opts.env ?? process.env;
  const fromEnv = (env.KUBECONFIG ?? '')
    .split(delimiter)
    .map((p) => p.trim())
    .filter(Boolean);
  if (fromEnv.length) return [...new Set(fromEnv.map((p) => resolve(p)))];
  return [join(opts.home ?? homedir(), '.kube', 'config')];
}

// Keys whose values are file paths that kubectl resolves against the defining file's folder.
const pathKeys: Record<'cluster' | 'user', string[]> = {
  cluster: ['certificate-authority'],
  user: ['client-certificate', 'client-key', 'tokenFile'],
};

export async function loadKubeconfig(paths: string[]): Promise<MergedKubeconfig> {
  const merged: MergedKubeconfig = { files: [], clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const path of paths) {
    const status: KubeconfigFileStatus = { path, exists: true };
    merged.files.push(status);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') status.exists = false;
      else status.error = `${path}: cannot read file (${code ?? (err as Error).message})`;
      continue;
    }
    const problems: string[] = [];
    mergeFile(merged, path, text, problems);
    if (problems.length) status.error = problems.join('\n');
  }
  return merged;
}

function mergeFile(merged: MergedKubeconfig, path: string, text: string, problems: string[]) {
  if (text.trim() === '') return; // kubectl treats an empty file as an empty config
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const { line, col } = lines.linePos(e.pos[0]);
    problems.push(`${path}: invalid YAML at line ${line}, column ${col}: ${e.message.split('\n')[0]}`);
    return;
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 }); // bounded: a "billion laughs" file fails instead of eating memory
  } catch (err) {
    problems.push(`${path}: invalid YAML: ${(err as Error).message}`);
    return;
  }
  if (root === null || root === undefined) return;
  if (typeof root !== 'object' || Array.isArray(root)) {
    problems.push(`${path}: expected a kubeconfig mapping (apiVersion, clusters, users, contexts), found ${Array.isArray(root) ? 'a list' : typeof root}`);
    return;
  }
  const config = root as Entry;
  const dir = dirname(path);
  mergeList(config, 'clusters', 'cluster', path, dir, merged.clusters, problems);
  mergeList(config, 'users', 'user', path, dir, merged.users, problems);
  mergeList(config, 'contexts', 'context', path, dir, merged.contexts, problems);
  const current = config['current-context'];
  if (merged.currentContext === undefined && typeof current === 'string' && current !== '') merged.currentContext = current;
}

function mergeList(
  config: Entry,
  listKey: 'clusters' | 'users' | 'contexts',
  bodyKey: 'cluster' | 'user' | 'context',
  path: string,
  dir: string,
  into: Map<string, NamedEntry>,
  problems: string[],
) {
  const list = config[listKey];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    problems.push(`${path}: "${listKey}" must be a list`);
    return;
  }
  list.forEach((item: unknown, index) => {
    const where = `${path}: ${listKey}[${index}]`;
    if (typeof item !== 'object' || item === null) return problems.push(`${where} is not a mapping`);
    const { name } = item as Entry;
    if (typeof name !== 'string' || name === '') return problems.push(`${where} has no name`);
    const body = (item as Entry)[bodyKey];
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return problems.push(`${where} ("${name}") has no "${bodyKey}" mapping`);
    if (into.has(name)) return; // first file wins, as in kubectl
    const value = { ...(body as Entry) };
    if (bodyKey !== 'context') {
      for (const key of pathKeys[bodyKey]) {
        const p = value[key];
        if (typeof p === 'string' && p !== '' && !isAbsolute(p)) value[key] = resolve(dir, p);
      }
    }
    // The OIDC provider's CA file, likewise relative to the kubeconfig.
    const provider = value['auth-provider'] as { config?: Entry } | undefined;
    const idpCa = provider?.config?.['idp-certificate-authority'];
    if (typeof idpCa === 'string' && idpCa !== '' && !isAbsolute(idpCa)) value['auth-provider'] = { ...provider, config: { ...provider!.config, 'idp-certificate-authority': resolve(dir, idpCa) } };
    into.set(name, { name, value, file: path });
  });
}

/** What the Contexts page shows: each context with its cluster, server, user and namespace. */
export function summarizeContexts(config: MergedKubeconfig): ContextsSnapshot {
  const contexts: ContextSummary[] = [...config.contexts.values()].map(({ name, value, file }) => {
    const cluster = typeof value.cluster === 'string' ? value.cluster : '';
    const user = typeof value.user === 'string' ? value.user : '';
    const namespace = typeof value.namespace === 'string' && value.namespace !== '' ? value.namespace : 'default';
    const summary: ContextSummary = { name, cluster, user, namespace, file };
    const clusterEntry = config.clusters.get(cluster);
    const server = clusterEntry?.value.server;
    if (typeof server === 'string') summary.server = server;
    const errors: string[] = [];
    if (!cluster) errors.push(`context "${name}" in ${file} names no cluster`);
    else if (!clusterEntry) errors.push(`context "${name}" in ${file} refers to cluster "${cluster}", which no kubeconfig file defines`);
    else if (typeof server !== 'string' || server === '') errors.push(`cluster "${cluster}" in ${clusterEntry.file} has no server URL`);
    if (user && !config.users.has(user)) errors.push(`context "${name}" in ${file} refers to user "${user}", which no kubeconfig file defines`);
    if (errors.length) summary.error = errors.join('; ');
    return summary;
  });
  const snapshot: ContextsSnapshot = { files: config.files, contexts };
  if (config.currentContext) snapshot.currentContext = config.currentContext;
  if (!config.files.some((f) => f.exists)) {
    snapshot.missing = `No kubeconfig found. Orrery looked in ${config.files.map((f) => f.path).join(', ')}. Set KUBECONFIG or pass --kubeconfig PATH, or start the sandbox cluster with --sandbox.`;
  }
  return snapshot;
}
