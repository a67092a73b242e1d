// Tracing for one pod with the OpenTelemetry SDK, as an instrumented service would do it — with
// one difference: many pods share this process, so nothing is registered globally (no global
// TracerProvider, context manager or propagator). Each pod owns its provider (its own resource
// attributes and exporter) and passes contexts explicitly; traceparent headers are read and
// written here (W3C Trace Context, version 00).
import { ROOT_CONTEXT, trace, TraceFlags, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { NodeTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';

export interface PodTracingOptions {
  service: string;
  namespace: string;
  version: string;
  pod: string;
  podUid: string;
  container: string;
  /** OTLP/HTTP base endpoint (".../v1/traces" is appended); no export when undefined. */
  endpoint?: string;
  /** Full traces URL, used as is (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). */
  tracesUrl?: string;
}

export interface PodTracing {
  readonly tracer: Tracer;
  readonly exporting: boolean;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Where a pod's spans go, from its environment, per the OTLP exporter spec. */
export function tracesUrlFrom(env: Record<string, string | undefined>): string | undefined {
  const signal = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (signal) return signal;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!base) return undefined;
  return base.replace(/\/+$/, '') + '/v1/traces';
}

export function createPodTracing(o: PodTracingOptions): PodTracing {
  const url = o.tracesUrl ?? (o.endpoint ? o.endpoint.replace(/\/+$/, '') + '/v1/traces' : undefined);
  const resource = defaultResource().merge(
    resourceFromAttributes({
      'service.name': o.service,
      'service.namespace': o.namespace,
      'service.version': o.version,
      'service.instance.id': o.podUid,
      'k8s.pod.name': o.pod,
      'k8s.pod.uid': o.podUid,
      'k8s.namespace.name': o.namespace,
      'k8s.deployment.name': o.service,
      'k8s.container.name': o.container,
    }),
  );
  // Without an endpoint the SDK still creates real spans (ids for logs and traceparent), it just
  // exports nothing: no processor, no timers, no cost beyond id generation.
  const spanProcessors = url
    ? [new BatchSpanProcessor(new OTLPTraceExporter({ url, timeoutMillis: 5000 }), { scheduledDelayMillis: 2000, maxQueueSize: 2048 })]
    : [];
  const provider = new NodeTracerProvider({ resource, spanProcessors });
  return {
    tracer: provider.getTracer('orrery-sandbox-service', '1.0.0'),
    exporting: !!url,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** The context carrying the remote parent of an incoming request, or ROOT when absent/invalid. */
export function contextFromTraceparent(header: string | string[] | undefined): Context {
  const v = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase();
  const m = v ? TRACEPARENT.exec(v) : null;
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: m[2]!,
    spanId: m[3]!,
    traceFlags: parseInt(m[4]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  });
}

export function traceparentOf(span: Span): string {
  const sc = span.spanContext();
  return `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & TraceFlags.SAMPLED}`;
}
