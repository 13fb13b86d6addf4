/**
 * What one GraphQL request came to, read once from Apollo's response and the gateway
 * context: the facts both the metrics and the request log report. The outcome uses the
 * audit's classification, so /metrics, the logs and the audit log name outcomes alike.
 */
import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import { classifyOutcome, hasAnyData, type AuditOutcome } from '../common/audit/outcome.ts';
import type { GatewayContext, RegionOutcome } from './context.ts';

export interface RequestFacts {
  requestId: string;
  operationName: string | null;
  outcome: AuditOutcome;
  httpStatus: number;
  durationMs: number;
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
    caller: callerOf(context),
  };
}

/**
 * A request refused before GraphQL ran — a bad token or purpose (a GraphQLError carrying
 * `extensions.http.status`), an oversize body (the HTTP layer's HttpError) — as the
 * gateway core reports it with the request's context.
 */
export function refusalFacts(context: GatewayContext, error: unknown, now = Date.now()): RequestFacts {
  const { code, status } = refusalCode(error);
  return {
    requestId: context.requestId,
    operationName: null,
    outcome: classifyOutcome({ hasData: false, errorCodes: [code], deniedFields: 0 }),
    httpStatus: status,
    durationMs: now - context.startedAt,
    errorCodes: [code],
    regions: [],
    caller: callerOf(context),
  };
}

function refusalCode(error: unknown): { code: string; status: number } {
  const e = error as { code?: unknown; status?: unknown; extensions?: { code?: unknown; http?: { status?: unknown } } };
  const code = typeof e?.extensions?.code === 'string' ? e.extensions.code : typeof e?.code === 'string' ? e.code : 'INTERNAL_SERVER_ERROR';
  const status =
    typeof e?.extensions?.http?.status === 'number' ? e.extensions.http.status : typeof e?.status === 'number' ? e.status : 500;
  return { code, status };
}

function callerOf(context: GatewayContext): RequestFacts['caller'] {
  return context.caller && !context.caller.anonymous ? { sub: context.caller.sub, region: context.caller.region } : null;
}

/** One code per error; an error without one counts as INTERNAL_SERVER_ERROR (what Apollo sends for it). */
function codesOf(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): string[] {
  return (errors ?? []).map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR'));
}
