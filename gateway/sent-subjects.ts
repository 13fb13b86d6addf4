/**
 * Whose data a response about to be sent holds: the one answer both the bulk-lookup
 * monitor (limits/index.ts) and the audit record (audit/index.ts) use, so what is
 * counted is what is recorded.
 *
 * - A response with no data (refused, withheld, failed) discloses nobody.
 * - Behind the disclosure layer (the gateway), the subjects are those its hidden keys
 *   found in the executed answer (`context.disclosed`).
 * - A server without that layer (a plain Apollo Server, as in the audit plugin's own
 *   tests) falls back to walking the operation beside the data (audit/subjects.ts),
 *   which sees only the keys the client selected or looked up.
 */
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { hasAnyData } from '../common/audit/outcome.ts';
import { emptySubjects, extractSubjects, type Subjects } from '../common/audit/subjects.ts';
import type { GatewayContext } from './context.ts';

export interface SentResponse {
  schema: GraphQLSchema;
  document: DocumentNode | undefined;
  operationName: string | null | undefined;
  /** The request's raw variables (coerced by the fallback walk). */
  variables: Readonly<Record<string, unknown>> | undefined;
  data: unknown;
  context: Pick<GatewayContext, 'disclosed'>;
}

export function subjectsSent(sent: SentResponse): Subjects {
  if (!hasAnyData(sent.data)) return emptySubjects();
  if (sent.context.disclosed) return sent.context.disclosed;
  return sent.document ? extractSubjects(sent.schema, sent.document, sent.operationName, sent.data, sent.variables ?? {}) : emptySubjects();
}
