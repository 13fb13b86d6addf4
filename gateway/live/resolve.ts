/**
 * Resolving one event for one subscriber: the event's query (query-plan.ts) is sent to
 * this gateway's own /graphql over loopback HTTP with the subscriber's token and
 * X-Purpose — so it passes every layer a query passes and leaves its audit record —
 * and the answer is turned back into the event. An answer that refuses (expired token,
 * audit unavailable, rate limit) ends the stream with that code instead: an event is
 * never pushed without its audit record.
 */
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import type { LiveEvent } from './events.ts';
import type { SubscriptionFilter } from './hub.ts';
import type { EventSubject, QueryPlan } from './query-plan.ts';
import type { Ending, Resolve } from './subscription.ts';

/** Where this gateway's own /graphql listens (known once it listens). */
export interface Loopback {
  url(): string | null;
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
  extensions?: { auditId?: string };
}

const ENDING_MESSAGES: Record<string, string> = {
  AUDIT_UNAVAILABLE: 'The audit log cannot record events, so they stop (fail closed); subscribe again later.',
  UNAUTHENTICATED:
    'The token this subscription was opened with is no longer accepted (expired or revoked); subscribe again with a new one.',
};

export function resolver(loopback: Loopback, plan: QueryPlan, filter: SubscriptionFilter, headers: Record<string, string>): Resolve {
  return async (event: LiveEvent): Promise<ExecutionResult | Ending> => {
    const url = loopback.url();
    if (!url) return { code: 'GATEWAY_UNAVAILABLE', message: 'The gateway is not listening.' };
    const subject = subjectOf(filter, event);
    const { query, variables } = plan.queryFor(subject);
    let status: number;
    let answer: Answer;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables, operationName: 'LiveEvent' }),
      });
      status = response.status;
      answer = (await response.json()) as Answer;
    } catch (error) {
      return { code: 'GATEWAY_UNAVAILABLE', message: `The event could not be resolved: ${(error as Error).message}.` };
    }
    const auditId = answer.extensions?.auditId;
    if (status !== 200 || !auditId) {
      const code = String(answer.errors?.[0]?.extensions?.code ?? (status === 200 ? 'AUDIT_UNAVAILABLE' : `HTTP_${status}`));
      return {
        code,
        message: ENDING_MESSAGES[code] ?? `Events stop: resolving one was refused (${code}: ${answer.errors?.[0]?.message ?? status}).`,
      };
    }
    return plan.result(event, subject, answer, { eventId: event.id, auditId });
  };
}

/**
 * The watched key the change touches (for `alerts`, its first one; for CATCH_UP, its own),
 * the case behind it, and the assistance request it is about.
 */
function subjectOf(filter: SubscriptionFilter, event: LiveEvent): EventSubject {
  const none = { idNumber: null, plate: null, caseId: null, assistanceId: null };
  if (event.subject) return { ...none, ...event.subject };
  const change = event.change;
  if (!change) return none;
  // An assistance change names no keys, and its case is the requesting region's: only the request.
  if (change.type === 'AssistanceRequest') return { ...none, assistanceId: `${change.region}:${change.id}` };
  const caseId = change.caseId ?? null;
  if (filter.field !== 'watch')
    return { idNumber: change.idNumbers[0] ?? null, plate: change.plates[0] ?? null, caseId, assistanceId: null };
  return {
    idNumber: change.idNumbers.find((id) => filter.idNumbers.has(id)) ?? null,
    plate: change.plates.find((plate) => filter.plates.has(plate)) ?? null,
    caseId,
    assistanceId: null,
  };
}
