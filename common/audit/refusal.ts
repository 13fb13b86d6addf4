/**
 * Fail closed, in Apollo Server terms: replace whatever a response was going to carry
 * with a single AUDIT_UNAVAILABLE error and no data. Shared by the gateway's audit
 * plugin and the regions' disclosure plugin.
 */
import type { GraphQLResponse } from '@apollo/server';
import { AUDIT_UNAVAILABLE } from '../log/errors.ts';

export const AUDIT_UNAVAILABLE_MESSAGE =
  'The audit record for this operation could not be written, so the operation was refused. Try again later.';

export function refuseUnaudited(response: GraphQLResponse, auditId: string): void {
  response.body = {
    kind: 'single',
    singleResult: {
      errors: [{ message: AUDIT_UNAVAILABLE_MESSAGE, extensions: { code: AUDIT_UNAVAILABLE, auditId } }],
      extensions: { auditId },
    },
  };
  response.http.status = 503;
}
