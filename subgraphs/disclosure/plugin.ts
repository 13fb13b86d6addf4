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
import type { DisclosureBody, DisclosureLog } from './log.ts';

/** The fields the request guard adds (subgraphs/security): the verified internal-token claims. */
interface ClaimedContext {
  caller?: { sub: string; name: string; region: string; roles: readonly string[] } | null;
  purpose?: { code: string; text: string; caseRef: string | null } | null;
  gatewayRequestId?: string;
}

export function createDisclosurePlugin(log: DisclosureLog): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          if (!rc.document || !hasAnyData(result.data)) return;
          const auditId = (rc.contextValue as SubgraphContext & ClaimedContext).gatewayRequestId ?? rc.contextValue.requestId;
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

function isEmpty(subjects: Subjects): boolean {
  return Object.values(subjects).every((list) => list.length === 0);
}
