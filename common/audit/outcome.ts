/**
 * How an operation ended, in the audit's vocabulary, decided from what the client got:
 * whether any data came back and which error codes were raised.
 */
export type AuditOutcome = 'answered' | 'partial' | 'denied' | 'invalid' | 'rate-limited' | 'failed' | 'unauthenticated';

/** Codes meaning "the request itself was malformed" (nothing was looked up). */
export const INVALID_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'PAYLOAD_TOO_LARGE',
  'DEPTH_LIMIT_EXCEEDED',
  'COST_LIMIT_EXCEEDED',
  'ALIAS_LIMIT_EXCEEDED',
  'BATCH_LIMIT_EXCEEDED',
  'PURPOSE_INVALID',
  'UNKNOWN_REGION',
  'OPERATION_TYPE_UNSUPPORTED',
  'SUBSCRIPTION_TRANSPORT_REQUIRED',
  'VARIABLES_TOO_DEEP',
  'EXTENSIONS_TOO_DEEP',
  // The request was not a GraphQL request the gateway runs (gateway/http/graphql-request.ts).
  'METHOD_NOT_ALLOWED',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_INCOMPLETE',
  'BODY_NOT_JSON',
  'BATCH_NOT_SUPPORTED',
  'BODY_NOT_OBJECT',
  'PARAMETER_REPEATED',
  'QUERY_MISSING',
  'QUERY_NOT_STRING',
  'OPERATION_NAME_NOT_STRING',
  'VARIABLES_NOT_OBJECT',
  'EXTENSIONS_NOT_OBJECT',
]);
/** Codes meaning "you may not" (authorisation, purpose). */
export const DENIAL_CODES: ReadonlySet<string> = new Set([
  'FORBIDDEN',
  'PURPOSE_REQUIRED',
  'PURPOSE_CASE_UNVERIFIABLE',
  'BULK_LOOKUP_BLOCKED',
]);
export const RATE_LIMIT_CODES: ReadonlySet<string> = new Set(['RATE_LIMITED', 'TOO_MANY_REQUESTS']);
export const UNAUTHENTICATED_CODES: ReadonlySet<string> = new Set(['UNAUTHENTICATED']);

export interface OutcomeFacts {
  /** At least one top-level field came back non-null. */
  hasData: boolean;
  errorCodes: readonly string[];
  /** Fields removed by authorisation (answered as null with FORBIDDEN). */
  deniedFields: number;
}

export function classifyOutcome({ hasData, errorCodes, deniedFields }: OutcomeFacts): AuditOutcome {
  const any = (set: ReadonlySet<string>) => errorCodes.some((code) => set.has(code));
  if (any(RATE_LIMIT_CODES)) return 'rate-limited';
  if (hasData) return errorCodes.length > 0 || deniedFields > 0 ? 'partial' : 'answered';
  if (errorCodes.length === 0) return deniedFields > 0 ? 'denied' : 'answered'; // e.g. a lookup that found nobody
  if (any(UNAUTHENTICATED_CODES)) return 'unauthenticated';
  if (any(INVALID_CODES)) return 'invalid';
  if (errorCodes.every((code) => DENIAL_CODES.has(code))) return 'denied';
  return 'failed';
}

/** True when `data` has at least one non-null top-level field. */
export function hasAnyData(data: unknown): boolean {
  return typeof data === 'object' && data !== null && Object.values(data).some((v) => v !== null && v !== undefined);
}
