/**
 * What happens to a request refused before GraphQL ran (gateway/http/graphql.ts hands
 * every such request here): it is counted in /metrics, and audited — one record each,
 * except a flood. A refusal of a caller who is not authenticated is charged to its
 * client address (gateway/limits/address-refusals.ts); past the address's allowance for
 * the window it is answered 429 RATE_LIMITED instead, counted, and logged and audited
 * only in the address's summary for the window. An authenticated officer's refusal is
 * never counted away: it always gets its own record.
 */
import type { Logger } from 'pino';
import type { GatewayContext } from '../context.ts';
import type { AuditRecorder } from './recorder.ts';
import { HttpError } from '../../common/http/respond.ts';
import { AddressRefusals } from '../limits/address-refusals.ts';
import type { RefusalsPerAddressConfig } from '../limits/config.ts';
import { LIMIT_CODES } from '../limits/refusal.ts';
import { recordHttpRefusal, refusalFromError } from './index.ts';

export interface RefusalsOptions {
  config: RefusalsPerAddressConfig;
  /** Null when auditing is off (development benchmarks): refusals are still limited, nothing is recorded. */
  recorder: AuditRecorder | null;
  observe(context: GatewayContext, error: unknown): void;
  log(context: GatewayContext, error: unknown): void;
  logger: Pick<Logger, 'warn' | 'error'>;
}

export interface Refusals {
  /** Audits a refusal and resolves with the error to answer with; rejects when the audit cannot record it. */
  onRefusal(context: GatewayContext, error: unknown): Promise<unknown>;
  /** Writes the open windows' summaries; call before the audit log closes. */
  close(): Promise<void>;
}

export function createRefusals({ config, recorder, observe, log, logger }: RefusalsOptions): Refusals {
  const addresses = new AddressRefusals(config, async (tally) => {
    if (!recorder) return;
    try {
      await recorder.recordRefusals(tally);
    } catch (error) {
      logger.error(
        { alert: 'AUDIT_UNAVAILABLE', address: tally.address, count: tally.count, err: (error as Error).message },
        'ALERT summary of refused requests could not be recorded; kept to retry',
      );
      throw error;
    }
  });
  return {
    async onRefusal(context, error) {
      const refusal = refusalFromError(error);
      const authenticated = context.caller !== null && !context.caller.anonymous;
      const decision = authenticated ? { counted: false as const } : addresses.admit(context.clientAddress, refusal.code);
      if (decision.counted) {
        if (decision.first) {
          logger.warn(
            { event: 'refusal-flood', address: context.clientAddress, max: config.max, windowSeconds: config.windowSeconds },
            `${context.clientAddress}: more than ${config.max} refused requests within ${config.windowSeconds} s; further refusals are answered 429 and counted in one audit record`,
          );
        }
        const answer = new HttpError(
          429,
          LIMIT_CODES.rate,
          `Too many refused requests from this address (this one: ${refusal.code}); retry in ${decision.retryAfterSeconds} s (limit: ${config.max} refusals per ${config.windowSeconds} s before authentication).`,
          { 'retry-after': String(decision.retryAfterSeconds) },
        );
        observe(context, answer); // /metrics counts what the client got: a 429
        return answer;
      }
      observe(context, error);
      log(context, error);
      if (recorder) await recordHttpRefusal(recorder, context, { ...refusal, variables: auditVariablesOf(error) });
      return error;
    },
    close: () => addresses.close(),
  };
}

/** A refusal may say what to keep of a request's variables it could not store whole (VARIABLES_TOO_DEEP). */
function auditVariablesOf(error: unknown): Record<string, unknown> | null {
  const variables = (error as { auditVariables?: unknown })?.auditVariables;
  return variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : null;
}
