/**
 * The spans Liandong makes, their names and the only attributes they may carry.
 *
 * The no-personal-data rule: a span says what kind of work happened, where and how it
 * went — operation name, type and hash, region codes, contract parts, statuses, counts,
 * latencies, the audit id — never identity numbers, names, plates, case ids, variable
 * values, query text or URLs that hold any of these. The trace leaves the gateway's
 * protection (a collector, its operators); the audit log is where personal data lives.
 * `SpanFacts` therefore only has keys of that kind, and callers fill them from
 * bounded values (tests/integration/tracing.test.ts checks real traces for seeded data).
 *
 * Callers test `tracingState.on` first; these helpers assume tracing is on.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';

export { tracingState } from './state.ts';
export { SpanKind, type Span };

export const SPAN = {
  /** Gateway: one per HTTP request to /graphql; the root of the trace (or child of the client's traceparent). */
  request: 'liandong.request',
  authentication: 'liandong.authentication',
  authorisation: 'liandong.authorisation',
  /** Gateway: the plan-and-execute step (@apollo/gateway adds its own gateway.plan / gateway.execute / gateway.fetch beneath). */
  execute: 'liandong.execute',
  /** Gateway: one per request to one region (a fan-out makes several). */
  regionFetch: 'liandong.region.fetch',
  merge: 'liandong.merge',
  auditAppend: 'liandong.audit.append',
  /** Subgraph: one per GraphQL request a region serves. */
  subgraphRequest: 'liandong.subgraph.request',
  /** Adapter: one per call to a region's own system (GZ's legacy HTTP service). */
  adapterCall: 'liandong.adapter.call',
} as const;

/** Every attribute a Liandong span may carry. Values are codes, counts and durations only. */
export interface SpanFacts {
  'liandong.audit_id'?: string;
  'graphql.operation.name'?: string;
  'graphql.operation.type'?: string;
  /** SHA-256 of the operation text (Apollo Server's queryHash): identifies the text without carrying it. */
  'liandong.operation.hash'?: string;
  'liandong.region'?: string;
  'liandong.subgraph'?: string;
  /** The contract part asked (records, index, search). */
  'liandong.part'?: string;
  /** A region's answer (answered, hit, miss, error, timeout, circuit-open…), an audit outcome. */
  'liandong.status'?: string;
  'liandong.outcome'?: string;
  'liandong.regions.count'?: number;
  'liandong.errors.count'?: number;
  'liandong.latency_ms'?: number;
  'http.response.status_code'?: number;
  /** A fixed name of what an adapter called (e.g. `persons.batch`), never its URL. */
  'liandong.adapter.operation'?: string;
}

export function tracer() {
  return trace.getTracer('liandong');
}

/**
 * Runs `work` inside a new active span and ends it when `work` settles; a throw marks
 * the span as an error (by class name only: messages can quote input).
 */
export function inSpan<T>(
  name: string,
  facts: SpanFacts,
  work: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
  parent?: Context,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind, attributes: facts as Record<string, string | number> },
    parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export function setFacts(span: Span, facts: SpanFacts): void {
  span.setAttributes(facts as Record<string, string | number>);
}

/** Whether the current work belongs to a span (a request), as opposed to background polling. */
export function inTracedWork(): boolean {
  return trace.getActiveSpan() !== undefined;
}

/** A span around synchronous work (merging regions' answers): ended by the caller, never made active. */
export function startMergeSpan(subgraph: string, regions: number): Span {
  return tracer().startSpan(SPAN.merge, { attributes: { 'liandong.subgraph': subgraph, 'liandong.regions.count': regions } });
}

/** The active span's trace id, or null when there is none (tracing off, or not sampled). */
export function activeTraceId(): string | null {
  const span = trace.getActiveSpan();
  if (!span) return null;
  const { traceId, traceFlags } = span.spanContext();
  // Unsampled traces are never exported: naming one would point auditors at nothing.
  return traceFlags & 1 ? traceId : null;
}

/** Adds `traceparent` (and `tracestate`) for the active span to outgoing headers. */
export function injectTraceContext(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}

/** The context a request's `traceparent` header names (or the active one when it has none). */
export function extractTraceContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), headers);
}
