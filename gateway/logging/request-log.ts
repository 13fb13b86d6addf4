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
import { refusalFacts, responseFacts, type RequestFacts } from '../request-facts.ts';

export interface RequestLog {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Logs a request refused before GraphQL ran (the gateway core's refusal hook calls it). */
  logRefusal(context: GatewayContext, error: unknown): void;
}

export function createRequestLog(logger: Logger): RequestLog {
  const log = logger.child({ component: 'request' });
  const write = (facts: RequestFacts, message: string) => log[facts.outcome === 'failed' ? 'warn' : 'info'](logFields(facts), message);
  return {
    logRefusal: (context, error) => write(refusalFacts(context, error), 'request refused before GraphQL'),
    plugin: {
      async requestDidStart() {
        return {
          async willSendResponse(rc) {
            // What the client gets: the audit may still replace the answer (503 AUDIT_UNAVAILABLE).
            await rc.contextValue.audited;
            write(responseFacts(rc), 'graphql request');
          },
        };
      },
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
