/**
 * The gateway's request and phase spans, added around the layers that already exist
 * (gateway/plugins/index.ts decides which layer is which phase), so no concern's code
 * knows about tracing. Each function returns what it was given when tracing is off:
 * the request path then has no extra closure, span or context switch at all.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { inSpan, setFacts, SPAN, SpanKind, tracingState, type SpanFacts } from '../../common/tracing/spans.ts';
import type { GatewayContext } from '../context.ts';
import { wrapExecutor } from '../executor-wrapper.ts';
import type { GraphQLHandler } from '../http/graphql.ts';
import type { ContextHook } from '../http/context.ts';

/**
 * The request span, root of the trace, carrying the audit id (the request id is the
 * audit id). A client's own `traceparent` is not followed: the gateway is the trust
 * boundary, and a client that could set the sampled flag could make every one of its
 * requests traced (cost) or tie its requests into one trace of its choosing.
 */
export function tracedGraphQL(handler: GraphQLHandler): GraphQLHandler {
  if (!tracingState.on) return handler;
  return (req, res, requestId) =>
    inSpan(
      SPAN.request,
      { 'liandong.audit_id': requestId },
      async (span) => {
        try {
          await handler(req, res, requestId);
        } finally {
          setFacts(span, { 'http.response.status_code': res.statusCode });
        }
      },
      SpanKind.SERVER,
    );
}

/** A context hook (authentication, purpose…) as a phase span. */
export function tracedHook(name: string, hook: ContextHook): ContextHook {
  if (!tracingState.on) return hook;
  return (context, request) =>
    inSpan(name, {}, async () => {
      await hook(context, request);
    });
}

/** Every hook of a plugin's request listener runs inside a span named for the phase. */
export function tracedPlugin(name: string, plugin: ApolloServerPlugin<GatewayContext>): ApolloServerPlugin<GatewayContext> {
  const start = plugin.requestDidStart;
  if (!tracingState.on || !start) return plugin;
  return {
    ...plugin,
    async requestDidStart(requestContext) {
      const listener = await start.call(plugin, requestContext);
      if (!listener) return listener;
      const traced: Record<string, unknown> = {};
      for (const [hook, fn] of Object.entries(listener)) {
        traced[hook] = typeof fn === 'function' ? (...args: unknown[]) => inSpan(name, {}, async () => fn.apply(listener, args)) : fn;
      }
      return traced as GraphQLRequestListener<GatewayContext>;
    },
  };
}

/**
 * Puts what identifies the operation (never its text or variables) on the request span:
 * name, type, the hash of its text; and at the end how many errors the answer carries.
 * `requestDidStart` runs inside the request span, so the span is the active one there.
 */
export function operationFactsPlugin(): ApolloServerPlugin<GatewayContext> | null {
  if (!tracingState.on) return null;
  return {
    async requestDidStart() {
      const span = trace.getActiveSpan();
      if (!span) return;
      return {
        async didResolveOperation(rc) {
          const facts: SpanFacts = {};
          if (rc.operation) facts['graphql.operation.type'] = rc.operation.operation;
          if (rc.operationName) facts['graphql.operation.name'] = rc.operationName;
          if (rc.queryHash) facts['liandong.operation.hash'] = rc.queryHash;
          setFacts(span, facts);
        },
        async willSendResponse(rc) {
          const body = rc.response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          setFacts(span, {
            'liandong.errors.count': result.errors?.length ?? 0,
            'liandong.regions.count': rc.contextValue.report?.regions.length ?? 0,
          });
        },
      };
    },
  };
}

/** Plan and execute (authorisation's filtering, the caches and @apollo/gateway's gateway.plan / gateway.execute beneath it). */
export function tracedExecution(gateway: GatewayInterface): GatewayInterface {
  if (!tracingState.on) return gateway;
  return wrapExecutor(gateway, (inner) => (requestContext) => inSpan(SPAN.execute, {}, () => inner(requestContext)));
}
