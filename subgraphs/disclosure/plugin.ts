/**
 * The region's disclosure record, fail closed: before a subgraph response carrying the
 * region's data leaves, an entry naming whose data it was (person numbers, case ids,
 * plates, record ids — extracted from the response and the entity keys asked for),
 * the officer and purpose from the gateway's internal token, and the gateway's audit
 * id is made durable. If it cannot be, the response is replaced by AUDIT_UNAVAILABLE
 * with no data — a region never hands out what it cannot account for. That holds when
 * the entry cannot even be built (an error in the extraction): then the cause is logged
 * here, since the disclosure log never saw it.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { AuditUnavailableError } from '../../common/log/errors.ts';
import { hasAnyData } from '../../common/audit/outcome.ts';
import { refuseUnaudited } from '../../common/audit/refusal.ts';
import { extractSubjects, type Subjects } from '../../common/audit/subjects.ts';
import type { SubgraphContext } from '../context.ts';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { DisclosureBody, DisclosureLog, WriteBody } from './log.ts';
import { RECORD_WRITE, type RecordWrite, type WriteIntent } from './writes.ts';

/** The fields the request guard adds (subgraphs/security): the verified internal-token claims. */
interface ClaimedContext {
  caller?: { sub: string; name: string; region: string; roles: readonly string[] } | null;
  purpose?: { code: string; text: string; caseRef: string | null } | null;
  gatewayRequestId?: string;
}

export function createDisclosurePlugin(log: DisclosureLog): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart(start) {
      // Mutation resolvers record their intent through this before writing (writes.ts).
      const context = start?.contextValue;
      if (context) {
        context[RECORD_WRITE] = (async (intent) => {
          await log.append(writeEntry(context, start.request.operationName ?? null, 'intent', intent));
        }) satisfies RecordWrite;
      }
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          const auditId = (rc.contextValue as SubgraphContext & ClaimedContext).gatewayRequestId ?? rc.contextValue.requestId;
          if (isMutation(rc.document, rc.operationName)) {
            try {
              await log.append(writeOutcome(rc.contextValue, rc.operationName ?? null, rc.request.variables ?? {}, result));
            } catch {
              // The log raised its own alert (AuditUnavailableError). The write may have happened
              // (its intent is durable); the officer is told the outcome could not be recorded.
              refuseUnaudited(rc.response, auditId);
            }
            return;
          }
          if (!rc.document || !hasAnyData(result.data)) return;
          try {
            // The request's variables: extractSubjects coerces them (declared defaults included).
            const subjects = extractSubjects(rc.schema, rc.document, rc.operationName, result.data, rc.request.variables ?? {});
            if (isEmpty(subjects)) return;
            await log.append(disclosure(rc.contextValue, rc.operationName ?? null, subjects));
          } catch (error) {
            // The log raised its own alert for a failed append; anything else is an error here.
            if (!(error instanceof AuditUnavailableError)) {
              const err = error instanceof Error ? error : new Error(String(error));
              rc.contextValue.logger.error(
                { alert: 'AUDIT_UNAVAILABLE', reason: 'internal-error', region: rc.contextValue.region, auditId, err },
                `ALERT disclosure entry could not be built (${err.name}: ${err.message}); the response is refused (fail closed)`,
              );
            }
            refuseUnaudited(rc.response, auditId);
          }
        },
      };
    },
  };
}

function disclosure(context: SubgraphContext, operationName: string | null, subjects: Subjects): DisclosureBody {
  const claims = context as SubgraphContext & ClaimedContext;
  const caller = claims.caller ?? null;
  return {
    type: 'disclosure',
    v: 1,
    at: new Date().toISOString(),
    region: context.region,
    part: context.part,
    auditId: claims.gatewayRequestId ?? context.requestId,
    officer: caller && { sub: caller.sub, name: caller.name, region: caller.region, roles: [...caller.roles].sort() },
    purpose: claims.purpose ? { code: claims.purpose.code, text: claims.purpose.text, caseRef: claims.purpose.caseRef } : null,
    operationName,
    subjects,
  };
}

function isMutation(document: DocumentNode | undefined, operationName: string | undefined | null): boolean {
  if (!document) return false;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  return operation?.operation === 'mutation';
}

function writeEntry(context: SubgraphContext, operationName: string | null, phase: 'intent', intent: WriteIntent): WriteBody {
  return {
    ...disclosureHead(context),
    type: 'write',
    operationName,
    phase,
    actions: [intent.action],
    requests: intent.request ? [intent.request] : [],
    subjects: intent.subjects,
    detail: intent.detail,
  };
}

/** What became of a mutation: the requests it answered with, or the codes of its errors. */
function writeOutcome(
  context: SubgraphContext,
  operationName: string | null,
  variables: Record<string, unknown>,
  result: { data?: Record<string, unknown> | null; errors?: readonly { extensions?: Record<string, unknown> }[] },
): WriteBody {
  const data = result.data ?? {};
  const written = Object.values(data).filter(
    (v): v is { id: string; subjects?: string[] } => typeof (v as { id?: unknown })?.id === 'string',
  );
  const errorCodes = [...new Set((result.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
  const refusals = new Set(['FORBIDDEN', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'ASSISTANCE_UNSUPPORTED']);
  return {
    ...disclosureHead(context),
    type: 'write',
    operationName,
    phase: 'outcome',
    actions: Object.keys(data).length > 0 ? Object.keys(data) : [],
    requests: written.map((w) => w.id),
    subjects: [...new Set(written.flatMap((w) => w.subjects ?? []))],
    detail: variables,
    outcome: errorCodes.length === 0 ? 'written' : errorCodes.every((c) => refusals.has(c)) ? 'refused' : 'failed',
    ...(errorCodes.length > 0 ? { errorCodes } : {}),
  };
}

function disclosureHead(context: SubgraphContext) {
  const claims = context as SubgraphContext & ClaimedContext;
  const caller = claims.caller ?? null;
  return {
    v: 1,
    at: new Date().toISOString(),
    region: context.region,
    auditId: claims.gatewayRequestId ?? context.requestId,
    officer: caller && { sub: caller.sub, name: caller.name, region: caller.region, roles: [...caller.roles].sort() },
    purpose: claims.purpose ? { code: claims.purpose.code, text: claims.purpose.text, caseRef: claims.purpose.caseRef } : null,
  };
}

function isEmpty(subjects: Subjects): boolean {
  return Object.values(subjects).every((list) => list.length === 0);
}
