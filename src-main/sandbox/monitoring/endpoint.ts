// A loopback HTTP server for one exporter: each GET of a route builds the answer then and there
// (nothing is computed between scrapes). While `reachable()` says no (a node-not-ready scenario),
// connections are dropped, as an unreachable machine would: Prometheus records up == 0.
import http from 'node:http';
import { CONTENT_TYPE } from './exposition';

export interface MetricsEndpoint {
  port: number;
  close(): Promise<void>;
}

export interface EndpointOptions {
  reachable?: () => boolean;
  /** Wraps each answer's work (the exporter's pod measures its CPU time and traffic with it). */
  serve?: (requestBytes: number, work: () => string) => string;
}

export function startMetricsEndpoint(routes: Record<string, () => string>, opts: EndpointOptions = {}): Promise<MetricsEndpoint> {
  const server = http.createServer((req, res) => {
    if (opts.reachable && !opts.reachable()) {
      req.socket.destroy();
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes[path];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    let body: string;
    try {
      const requestBytes = 120 + Object.entries(req.headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 0);
      body = opts.serve ? opts.serve(requestBytes, route) : route();
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`error: ${String(err)}\n`);
      return;
    }
    // One UTF-8 conversion for both the length and the write (answers are megabytes in scale mode).
    const bytes = Buffer.from(body);
    res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': bytes.length });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  });
  server.keepAliveTimeout = 120_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({
        port: a && typeof a === 'object' ? a.port : 0,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
