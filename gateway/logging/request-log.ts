/**
 * One structured log line per GraphQL request, on the gateway's pino logger
 * (gateway/logger.ts): the request id — which is also the audit id, so an operator goes
 * from a log line to its audit record — operation, outcome, status, duration, error
 * codes and each region's answer. No variables or data: those are personal data and
 * belong in the audit log only.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { GatewayContext } from '../context.ts';
import { refusalFacts, responseFacts, type RequestFacts } from '../metrics/request-facts.ts';

export function requestLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  const log = logger.child({ component: 'request' });
  return {
    async contextCreationDidFail({ error }) {
      log.info(logFields(refusalFacts(error)), 'request refused before GraphQL');
    },
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const facts = responseFacts(rc);
          const level = facts.outcome === 'failed' ? 'warn' : 'info';
          log[level](logFields(facts), 'graphql request');
        },
      };
    },
  };
}

/** `auditId` is the request id under the name auditors search by. */
export function logFields(facts: RequestFacts): Record<string, unknown> {
  return {
    requestId: facts.requestId,
    auditId: facts.requestId,
    operation: facts.operationName,
    outcome: facts.outcome,
    status: facts.httpStatus,
    durationMs: facts.durationMs,
    errorCodes: facts.errorCodes.length > 0 ? facts.errorCodes : undefined,
    caller: facts.caller ?? undefined,
    regions: facts.regions.map((r) => `${r.region}/${r.subgraph}:${r.status}:${Math.round(r.latencyMs)}ms`),
  };
}
