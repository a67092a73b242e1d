// logs.previous: the last 500 lines of a container's previous (terminated) instance, parsed like
// live lines, for the one-click "what happened before the restart".
import type { LogLine } from '../../contract/types';
import { readBody } from '../kube/kube-client';
import { statusError } from '../kube/kube-errors';
import { LineSplitter, type RawLine } from './line-splitter';
import { DISPLAY_LIMIT, parseLine } from './parse';
import { asContractError } from './source';
import type { LogClient } from './stream';

export async function previousLines(client: LogClient, p: { namespace: string; pod: string; container: string }): Promise<LogLine[]> {
  const req = {
    path: `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.pod)}/log`,
    query: { previous: true, timestamps: true, tailLines: 500, container: p.container },
    timeoutMs: 30_000,
    intent: { verb: 'get', resource: 'pods/log', namespace: p.namespace, name: p.pod },
  };
  try {
    const res = await client.send(req);
    if (res.statusCode !== 200) throw statusError(res.statusCode ?? 0, await readBody(res), req, client);
    const splitter = new LineSplitter();
    const raws: RawLine[] = [];
    for await (const chunk of res) splitter.push(chunk as Buffer, raws);
    splitter.end(raws);
    return raws.map((r, i) => {
      const cut = r.text.length > DISPLAY_LIMIT;
      const parsed = parseLine(cut ? r.text.slice(0, DISPLAY_LIMIT) : r.text);
      return {
        seq: i + 1,
        ts: r.ts,
        namespace: p.namespace,
        pod: p.pod,
        container: p.container,
        ...parsed,
        ...(cut ? { truncated: true as const } : {}),
        bytes: Buffer.byteLength(r.text),
      };
    });
  } catch (err) {
    throw asContractError(err);
  }
}
