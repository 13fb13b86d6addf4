/**
 * The region's disclosure record, fail closed: before a subgraph response carrying the
 * region's data leaves, an entry naming whose data it was (person numbers, case ids,
 * plates, record ids — extracted from the response and the entity keys asked for),
 * the officer and purpose from the gateway's internal token, and the gateway's audit
 * id is made durable. If it cannot be, the response is replaced by AUDIT_UNAVAILABLE
 * with no data — a region never hands out what it cannot account for.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { hasAnyData } from '../../gateway/audit/outcome.ts';
import { refuseUnaudited } from '../../gateway/audit/refusal.ts';
import { extractSubjects, type Subjects } from '../../gateway/audit/subjects.ts';
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
          const subjects = extractSubjects(rc.schema, rc.document, rc.operationName, result.data, rc.request.variables ?? {});
          if (isEmpty(subjects)) return;
          const entry = disclosure(rc.contextValue, rc.operationName ?? null, subjects);
          try {
            await log.append(entry);
          } catch {
            refuseUnaudited(rc.response, entry.auditId);
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
