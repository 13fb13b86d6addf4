/**
 * The audit record of a subscribe request (gateway/live): who watches what (the watched
 * keys are in its variables or text), under which purpose. Its events are recorded one by
 * one as they are pushed, each as the query it is resolved with. Built here, where every
 * record's shape lives; live/ is handed the function (its `RecordSubscribe`) by
 * plugins/index.ts and so imports nothing of audit/.
 */
import { emptySubjects } from '../../common/audit/subjects.ts';
import type { GatewayContext } from '../context.ts';
import type { AuditRecorder } from './recorder.ts';
import { callerFacts } from './index.ts';

export interface SubscriptionFacts {
  /** The subscription's text as received. */
  text: string;
  operationName: string | null;
  variables: Record<string, unknown> | null;
  /** The subscription root field, e.g. `watchPersons`. */
  field: string;
}

/** Resolves once the record is durable; rejects (AuditUnavailableError) otherwise. */
export function subscriptionRecorder(recorder: AuditRecorder) {
  return async (context: GatewayContext, subscribe: SubscriptionFacts): Promise<void> => {
    await recorder.record({
      ...callerFacts(context),
      denied: [],
      regions: [],
      operationText: subscribe.text,
      operationName: subscribe.operationName,
      operationType: 'subscription',
      variables: subscribe.variables,
      requested: [`Subscription.${subscribe.field}`],
      subjects: emptySubjects(),
      errorCodes: [],
      hasData: false,
      httpStatus: 200,
    });
  };
}
