// The browser-mode host: HTTP + WebSocket on loopback, serving the built renderer, the contract
// at /ws and Orrery's own metrics at /metrics. Every request and socket needs the per-launch token.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { api } from '../../contract/api';
import { serveConnection } from '../../contract/server';
import type { Backend } from '../../core/backend';
import type { Telemetry } from '../../core/telemetry/telemetry';
import { securityHeaders } from '../csp';
import { cookieName, isAllowedHost, isAllowedOrigin, isAuthorized, newToken } from './auth';
import { serveStatic } from './static-files';
import { webSocketTransport } from './ws-transport';

export interface ServerHostOptions {
  backend: Backend;
  telemetry: Telemetry;
  /** Folder with the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
}

export interface ServerHost {
  port: number;
  token: string;
  /** The URL to open, token included. */
  url: string;
  close(): Promise<void>;
}

export async function startServerHost(options: ServerHostOptions): Promise<ServerHost> {
  const token = options.token ?? newToken();
  let port = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  const deny = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(message + '\n');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isAllowedHost(req, port)) return deny(res, 403, 'Forbidden: unexpected Host header');
    const auth = isAuthorized(req, port, token);
    if (!auth.ok) return deny(res, 401, 'Unauthorized: open the URL Orrery printed at start (it carries the access token).');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (auth.via === 'query') {
      // Trade the token in the URL for a cookie, then send the browser to a clean address.
      url.searchParams.delete('token');
      res
        .writeHead(302, {
          ...securityHeaders,
          'Set-Cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
          Location: url.pathname + url.search + url.hash,
          'Cache-Control': 'no-store',
        })
        .end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed');
    if (url.pathname === '/metrics') {
      const body = await options.telemetry.registry.metrics();
      res.writeHead(200, { ...securityHeaders, 'Content-Type': options.telemetry.registry.contentType, 'Cache-Control': 'no-store' }).end(body);
      return;
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200, { ...securityHeaders, 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    await serveStatic(options.rendererDir, url.pathname, res, securityHeaders);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) deny(res, 500, `Internal error: ${(err as Error).message}`);
      else res.destroy();
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const reject = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!isAllowedHost(req, port) || !isAllowedOrigin(req, port)) return reject('403 Forbidden');
    if (!isAuthorized(req, port, token).ok) return reject('401 Unauthorized');
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws') return reject('404 Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      options.telemetry.clients.inc();
      ws.on('close', () => options.telemetry.clients.dec());
      serveConnection(webSocketTransport(ws), api, options.backend.handlers, { observer: options.telemetry.observer });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
