/**
 * Audit, fail closed: one durable audit record for every GraphQL operation before its
 * response leaves — answered, partial, denied, invalid, rate-limited, failed, cache hits
 * included. Apollo Server awaits `willSendResponse`, so the response is held until the
 * record's fsync. If the record cannot be made durable the response is replaced by an
 * AUDIT_UNAVAILABLE error with no data (the log itself raises the operator alert and
 * counts the failure). Every response carries `extensions.auditId`.
 *
 * Requests refused by the HTTP layer before GraphQL (401, 413, 429…) are recorded
 * through recordHttpRefusal(), which the gateway core calls.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { AUDIT_UNAVAILABLE } from '../audit/errors.ts';
import { hasAnyData } from '../audit/outcome.ts';
import { requestedCoordinates } from '../audit/operation.ts';
import type { AuditRecorder } from '../audit/recorder.ts';
import { emptySubjects, extractSubjects } from '../audit/subjects.ts';

type ResponseContext = GraphQLRequestContextWillSendResponse<GatewayContext>;

export const AUDIT_UNAVAILABLE_MESSAGE = 'The audit record for this operation could not be written, so the operation was refused. Try again later.';

export function createAuditPlugin(recorder: AuditRecorder): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(requestContext) {
          await auditResponse(recorder, requestContext);
        },
      };
    },
  };
}

async function auditResponse(recorder: AuditRecorder, rc: ResponseContext): Promise<void> {
  const body = rc.response.body;
  // Incremental delivery is not offered by the gateway; audit its initial result all the same.
  const result = body.kind === 'single' ? body.singleResult : body.initialResult;
  const context = rc.contextValue;
  try {
    await recorder.record({ ...requestFacts(context), ...operationFacts(rc, result), httpStatus: rc.response.http.status ?? 200 });
    result.extensions = { ...result.extensions, auditId: context.requestId };
  } catch {
    refuse(rc, context.requestId);
  }
}

/** Who, from where, why, and what the regions said — all from the per-request context. */
export function requestFacts(context: GatewayContext) {
  return {
    auditId: context.requestId,
    startedAt: context.startedAt,
    clientAddress: context.clientAddress,
    userAgent: context.userAgent,
    caller: context.caller,
    purpose: context.purpose,
    denied: (context.denied ?? []).map((d) => d.coordinate),
    regions: context.report?.regions ?? [],
  };
}

function operationFacts(rc: ResponseContext, result: FormattedExecutionResult) {
  const document = rc.document;
  const variables = rc.request.variables ?? {};
  return {
    operationText: rc.source ?? null,
    operationName: rc.operationName ?? rc.request.operationName ?? null,
    operationType: rc.operation?.operation ?? null,
    variables,
    requested: document ? requestedCoordinates(rc.schema, document, rc.operationName) : [],
    subjects: document && result.data ? extractSubjects(rc.schema, document, rc.operationName, result.data, variables) : emptySubjects(),
    errorCodes: (result.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')),
    hasData: hasAnyData(result.data),
  };
}

/** Fail closed: nothing of the answer leaves without its audit record. */
function refuse(rc: ResponseContext, auditId: string): void {
  rc.response.body = {
    kind: 'single',
    singleResult: {
      errors: [{ message: AUDIT_UNAVAILABLE_MESSAGE, extensions: { code: AUDIT_UNAVAILABLE, auditId } }],
      extensions: { auditId },
    },
  };
  rc.response.http.status = 503;
}

/** A request the HTTP layer refused before GraphQL ran. */
export interface HttpRefusal {
  status: number;
  /** The `extensions.code` (or equivalent) sent to the client: UNAUTHENTICATED, PAYLOAD_TOO_LARGE, RATE_LIMITED… */
  code: string;
  /** The query text, when the body was read and parsed; null for e.g. an oversized body. */
  query?: string | null;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * Record an HTTP-level refusal. Resolves with the audit id once durable; rejects with
 * AuditUnavailableError otherwise — then answer 503 with code AUDIT_UNAVAILABLE instead.
 */
export async function recordHttpRefusal(recorder: AuditRecorder, context: GatewayContext, refusal: HttpRefusal): Promise<string> {
  await recorder.record({
    ...requestFacts(context),
    operationText: refusal.query ?? null,
    operationName: refusal.operationName ?? null,
    operationType: null,
    variables: refusal.variables ?? {},
    requested: [],
    subjects: emptySubjects(),
    errorCodes: [refusal.code],
    hasData: false,
    httpStatus: refusal.status,
  });
  return context.requestId;
}
