/**
 * Starting and stopping the OpenTelemetry SDK of one process (gateway or subgraph).
 *
 * Off (the default) nothing is loaded: the SDK modules are imported only when tracing
 * is enabled, the global tracer stays the API's no-op one, and `tracingState.on` stays
 * false so instrumented code skips its span and context work entirely (spans.ts).
 * On, a NodeTracerProvider is registered globally — with the AsyncLocalStorage context
 * manager (a span started in a request handler is the parent of everything awaited
 * under it, @apollo/gateway's own spans included) and the W3C `traceparent` propagator —
 * and spans are batched to the OTLP/HTTP endpoint as JSON.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import type { TracingSettings } from './settings.ts';
import { tracingState } from './state.ts';

export interface RunningTracing {
  /** Exports what is still buffered and stops the SDK; a no-op when tracing is off. */
  shutdown(): Promise<void>;
}

const NOTHING_TO_STOP: RunningTracing = { shutdown: async () => {} };

export async function startTracing(settings: TracingSettings): Promise<RunningTracing> {
  if (!settings.enabled || !settings.otlpUrl) return NOTHING_TO_STOP;
  const [{ NodeTracerProvider }, base, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    // A request that arrives with a traceparent follows its caller's decision, so a trace
    // is either whole (gateway, subgraphs, adapters) or absent; new traces are sampled at the ratio.
    sampler: new base.ParentBasedSampler({ root: new base.TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [
      new base.BatchSpanProcessor(new OTLPTraceExporter({ url: settings.otlpUrl }), {
        // Short enough that a stopped process loses little; the exporter's own queue bounds memory.
        scheduledDelayMillis: 1000,
        maxQueueSize: 8192,
      }),
    ],
  });
  provider.register();
  tracingState.on = true;
  return {
    async shutdown() {
      tracingState.on = false;
      await provider.shutdown();
      // Back to the no-op API, so a later start in the same process (tests) can register again.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
