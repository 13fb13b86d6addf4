/**
 * What one GraphQL request came to, read once from Apollo's response and the gateway
 * context: the facts both the metrics and the request log report. The outcome uses the
 * audit's classification, so /metrics, the logs and the audit log name outcomes alike.
 */
import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import { classifyOutcome, hasAnyData, type AuditOutcome } from '../audit/outcome.ts';
import type { GatewayContext, RegionOutcome } from '../context.ts';

export interface RequestFacts {
  requestId: string | null;
  operationName: string | null;
  outcome: AuditOutcome;
  httpStatus: number;
  /** Null when the request was refused before its context (and its start time) existed. */
  durationMs: number | null;
  errorCodes: string[];
  regions: readonly RegionOutcome[];
  caller: { sub: string; region: string } | null;
}

export function responseFacts(rc: GraphQLRequestContextWillSendResponse<GatewayContext>, now = Date.now()): RequestFacts {
  const body = rc.response.body;
  const result: FormattedExecutionResult = body.kind === 'single' ? body.singleResult : body.initialResult;
  const context = rc.contextValue;
  const errorCodes = codesOf(result.errors);
  return {
    requestId: context.requestId,
    operationName: rc.operationName ?? rc.request.operationName ?? null,
    outcome: classifyOutcome({ hasData: hasAnyData(result.data), errorCodes, deniedFields: context.denied.length }),
    httpStatus: rc.response.http.status ?? 200,
    durationMs: now - context.startedAt,
    errorCodes,
    regions: context.report.regions,
    caller: context.caller && !context.caller.anonymous ? { sub: context.caller.sub, region: context.caller.region } : null,
  };
}

/**
 * A request refused while its context was built (bad token, bad purpose): no context,
 * so no request id here — the HTTP layer's refusal log and the audit's refusal record carry it.
 */
export function refusalFacts(error: Error): RequestFacts {
  const errorCodes = codesOf([error as { extensions?: Record<string, unknown> }]);
  const status = (error as { extensions?: { http?: { status?: number } } }).extensions?.http?.status;
  return {
    requestId: null,
    operationName: null,
    outcome: classifyOutcome({ hasData: false, errorCodes, deniedFields: 0 }),
    httpStatus: status ?? 500,
    durationMs: null,
    errorCodes,
    regions: [],
    caller: null,
  };
}

/** One code per error; an error without one counts as INTERNAL_SERVER_ERROR (what Apollo sends for it). */
function codesOf(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): string[] {
  return (errors ?? []).map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR'));
}
