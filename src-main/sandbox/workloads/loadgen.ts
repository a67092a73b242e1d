// Steady traffic into the constellation, as users hitting the public gateway would send it.
// Requests arrive as a Poisson process at `rps` per second; routes follow the weights of
// ENTRY_ROUTES in smooth weighted round-robin (nginx's algorithm), so every route — and with them
// every edge of the call graph, and only those — is exercised within a few requests, without
// randomness in the mix. The generator is outside the mesh: no peer header and no traceparent, so
// the gateway starts each trace and Istio-style metrics show source_workload="unknown".
import http from 'node:http';
import { ENTRY_ROUTES, ENTRY_SERVICE, findService, type EntryRoute } from './constellation';

export interface LoadGeneratorOptions {
  resolveService(namespace: string, name: string): string[];
  /** Requests per second in total (default 3). */
  rps?: number;
  routes?: readonly EntryRoute[];
  /** Distinct users (cart keys) to spread requests over (default 40). */
  users?: number;
  timeoutMs?: number;
}

export interface LoadStats {
  sent: number;
  /** Requests not sent because the gateway had no ready endpoint. */
  unavailable: number;
  byCode: Record<string, number>;
  inFlight: number;
}

export interface LoadGenerator {
  setRate(rps: number): void;
  stats(): LoadStats;
  /** Stop sending and wait for requests in flight. */
  stop(): Promise<void>;
}

export function startLoadGenerator(opts: LoadGeneratorOptions): LoadGenerator {
  const routes = opts.routes ?? ENTRY_ROUTES;
  const gateway = findService(ENTRY_SERVICE);
  if (!gateway) throw new Error('constellation has no gateway');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const users = opts.users ?? 40;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let rps = opts.rps ?? 3;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const current = routes.map(() => 0);
  const total = routes.reduce((s, r) => s + r.weight, 0);
  const stats: LoadStats = { sent: 0, unavailable: 0, byCode: {}, inFlight: 0 };
  const inflight = new Set<Promise<void>>();

  const nextRoute = (): EntryRoute => {
    let best = 0;
    for (let i = 0; i < routes.length; i++) {
      current[i]! += routes[i]!.weight;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    return routes[best]!;
  };

  const count = (code: string): void => {
    stats.byCode[code] = (stats.byCode[code] ?? 0) + 1;
  };

  const send = (): void => {
    const eps = opts.resolveService(gateway.namespace, gateway.name);
    if (eps.length === 0) {
      stats.unavailable++;
      return;
    }
    // A random gateway replica, as an external load balancer spreads connections: a fixed
    // rotation here would lock step with the route rotation and starve some pods of some routes.
    const ep = eps[Math.floor(Math.random() * eps.length)]!;
    const i = ep.lastIndexOf(':');
    const route = nextRoute();
    const user = `u${1 + Math.floor(Math.random() * users)}`;
    const product = `p${1 + Math.floor(Math.random() * 200)}`;
    const body = route.method === 'GET' ? '' : JSON.stringify({ user, product, qty: 1 + Math.floor(Math.random() * 3) });
    stats.sent++;
    stats.inFlight++;
    const p = new Promise<void>((resolve) => {
      const req = http.request(
        {
          host: ep.slice(0, i),
          port: Number(ep.slice(i + 1)),
          method: route.method,
          path: `${route.path}?user=${user}&product=${product}`,
          agent,
          timeout: timeoutMs,
          headers: { 'user-agent': 'orrery-loadgen/1.0', ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            count(String(res.statusCode));
            resolve();
          });
          res.on('error', () => resolve());
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => {
        count(err.message === 'timeout' ? 'timeout' : 'error');
        resolve();
      });
      req.end(body || undefined);
    }).finally(() => {
      stats.inFlight--;
      inflight.delete(p);
    });
    inflight.add(p);
  };

  const schedule = (): void => {
    if (stopped || rps <= 0) return;
    // Exponential inter-arrival times: a Poisson process, like independent users.
    const delay = (-Math.log(1 - Math.random()) / rps) * 1000;
    timer = setTimeout(() => {
      send();
      schedule();
    }, delay);
  };
  schedule();

  return {
    setRate(n: number) {
      if (!(n >= 0)) throw new RangeError(`rate must be >= 0, got ${n}`);
      rps = n;
      if (timer) clearTimeout(timer);
      schedule();
    },
    stats: () => ({ ...stats, byCode: { ...stats.byCode } }),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all([...inflight]);
      agent.destroy();
    },
  };
}
