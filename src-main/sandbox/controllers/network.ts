// Where pods really listen. Every pod container runs in this process on 127.0.0.1 with its own
// port; the pod's declared containerPorts (by number and by name) map to that real port. The
// endpoints controller, the proxy provider and Prometheus' targets all read this table.

export interface PodAddress {
  ip: string;
  /** containerPort number or port name -> real port. */
  ports: Map<string, number>;
  /** The real port when a container declares none. */
  defaultPort: number;
}

export class PodNetwork {
  private readonly pods = new Map<string, PodAddress>();
  private readonly listeners = new Set<() => void>();

  set(key: string, addr: PodAddress): void {
    this.pods.set(key, addr);
    this.changed();
  }

  delete(key: string): void {
    if (this.pods.delete(key)) this.changed();
  }

  get(key: string): PodAddress | undefined {
    return this.pods.get(key);
  }

  /** The real port behind a containerPort number, a port name or a real port itself. */
  resolve(key: string, port: string | number | undefined): { host: string; port: number } | undefined {
    const a = this.pods.get(key);
    if (!a) return undefined;
    if (port === undefined || port === '') return { host: a.ip, port: a.defaultPort };
    const p = a.ports.get(String(port));
    if (p !== undefined) return { host: a.ip, port: p };
    if ([...a.ports.values()].includes(Number(port))) return { host: a.ip, port: Number(port) };
    return undefined;
  }

  entries(): IterableIterator<[string, PodAddress]> {
    return this.pods.entries();
  }

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/** Map a pod spec's declared ports onto one real port (all containers of a sandbox pod share it). */
export function portMap(spec: any, container: string, real: number): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of spec?.containers ?? []) {
    if (c.name !== container) continue;
    for (const p of c.ports ?? []) {
      m.set(String(p.containerPort), real);
      if (p.name) m.set(p.name, real);
    }
  }
  return m;
}
