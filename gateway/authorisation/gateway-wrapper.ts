/**
 * @apollo/gateway with Liandong's field-level authorisation in front of its executor.
 *
 * The wrapped executor plans and runs the caller's filtered operation rather than the
 * one they sent, then puts `null` plus a FORBIDDEN error where each denied field would
 * have been. @apollo/gateway keys its query-plan cache on `requestContext.queryHash`
 * (with `request.operationName`; see `executor` in @apollo/gateway/dist/index.js), and
 * plans from `requestContext.document`: both are replaced together, so a filtered
 * operation always has its own plan, shared only by callers whose filtered text is
 * identical.
 */
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import type { GatewayContext } from '../context.ts';
import type { Authoriser, Decision } from './authoriser.ts';
import { applyDenials, toDeniedFields } from './denials.ts';
import { wrapExecutor } from '../executor-wrapper.ts';

type Context = Pick<GatewayContext, 'caller' | 'purpose'> & Partial<Pick<GatewayContext, 'denied'>>;

/** The wrapped gateway: same schema loading and lifecycle, authorised execution. */
export function withAuthorisation(gateway: GatewayInterface, authoriser: () => Authoriser): GatewayInterface {
  return wrapExecutor(gateway, (inner) => authorisedExecutor(inner, authoriser));
}

export function authorisedExecutor(inner: GatewayExecutor, authoriser: () => Authoriser): GatewayExecutor {
  return async (requestContext) => {
    const context = requestContext.context as Context;
    const decision = await authoriser().decide({
      document: requestContext.document,
      operationName: requestContext.request.operationName,
      variables: requestContext.request.variables,
      queryHash: requestContext.queryHash,
      caller: context.caller ?? null,
      purpose: context.purpose ?? null,
      request: context,
    });
    context.denied = toDeniedFields(decision.denied);
    if (decision.kind === 'refuse') return { errors: [decision.error] };
    if (decision.denied.length === 0 && decision.document === requestContext.document) return inner(requestContext);
    const result = decision.fullyDenied ? { data: {} } : await inner(filteredContext(requestContext, decision));
    const applied = applyDenials(result.data, decision.denied);
    const errors = [...(result.errors ?? []), ...applied.errors];
    return { ...result, data: applied.data, ...(errors.length > 0 ? { errors } : {}) };
  };
}

/** The same request, carrying the filtered document and its own plan-cache key. */
function filteredContext(
  requestContext: GatewayGraphQLRequestContext,
  decision: Extract<Decision, { kind: 'run' }>,
): GatewayGraphQLRequestContext {
  return { ...requestContext, document: decision.document, queryHash: decision.queryHash };
}
