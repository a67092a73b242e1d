// Orrery's own metrics: process metrics plus counters for what the backend is doing. Served
// at /metrics by the server host and shown on the Diagnostics page.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ConnectionObserver } from '../../contract/server';
import type { MetricFamily } from '../../contract/types';

export interface Telemetry {
  registry: Registry;
  /** Plug into serveConnection to count messages, streams and calls. */
  observer: ConnectionObserver;
  /** For the Kubernetes watch cache: one per open watch connection. */
  watchConnections: Gauge;
  clients: Gauge;
  snapshot(): Promise<MetricFamily[]>;
}

export function createTelemetry(): Telemetry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'orrery_' });
  const openStreams = new Gauge({ name: 'orrery_open_streams', help: 'Streams currently open, by stream name.', labelNames: ['stream'], registers: [registry] });
  const messagesSent = new Counter({ name: 'orrery_messages_sent_total', help: 'Protocol messages sent to clients, by type.', labelNames: ['type'], registers: [registry] });
  const itemsSent = new Counter({ name: 'orrery_stream_items_sent_total', help: 'Stream items sent to clients in data frames.', registers: [registry] });
  const itemsDropped = new Counter({ name: 'orrery_stream_items_dropped_total', help: 'Stream items dropped because a reader fell behind.', registers: [registry] });
  const calls = new Counter({ name: 'orrery_calls_total', help: 'Procedure calls, by procedure and outcome.', labelNames: ['procedure', 'outcome'], registers: [registry] });
  const watchConnections = new Gauge({ name: 'orrery_watch_connections', help: 'Kubernetes watch connections currently open.', labelNames: ['context', 'resource'], registers: [registry] });
  const clients = new Gauge({ name: 'orrery_clients', help: 'Renderer connections currently open.', registers: [registry] });

  const observer: ConnectionObserver = {
    messageSent(message) {
      messagesSent.inc({ type: message.t });
      if (message.t === 'data') {
        itemsSent.inc(message.items.length);
        if (message.dropped) itemsDropped.inc(message.dropped);
      }
    },
    streamOpened: (name) => openStreams.inc({ stream: name }),
    streamClosed: (name) => openStreams.dec({ stream: name }),
    call: (name, outcome) => calls.inc({ procedure: name, outcome }),
  };

  return {
    registry,
    observer,
    watchConnections,
    clients,
    async snapshot() {
      const metrics = await registry.getMetricsAsJSON();
      return metrics.map((m) => ({
        name: m.name,
        help: m.help,
        type: String(m.type),
        samples: m.values.map((v) => ({ labels: { ...(v.labels as Record<string, string | number>) }, value: v.value })),
      }));
    },
  };
}
