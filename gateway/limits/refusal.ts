/**
 * How a limit refuses inside GraphQL: an error with a stable `extensions.code` and the
 * HTTP status (and headers) Apollo Server answers with. Refusals made by the HTTP layer
 * before GraphQL runs (body size, batch size) use its HttpError instead.
 */
import { HeaderMap } from '@apollo/server';
import { GraphQLError, type OperationDefinitionNode } from 'graphql';
import { quoteInput } from '../../common/normalise/index.ts';

export const LIMIT_CODES = {
  depth: 'DEPTH_LIMIT_EXCEEDED',
  aliases: 'ALIAS_LIMIT_EXCEEDED',
  cost: 'COST_LIMIT_EXCEEDED',
  batch: 'BATCH_LIMIT_EXCEEDED',
  /** Raised by the HTTP layer (gateway/http/body.ts), listed here so all limit codes are in one place. */
  payload: 'PAYLOAD_TOO_LARGE',
  rate: 'RATE_LIMITED',
  bulk: 'BULK_LOOKUP_BLOCKED',
} as const;

export type LimitCode = (typeof LIMIT_CODES)[keyof typeof LIMIT_CODES];

/** Apollo Server applies `extensions.http` to the response and strips it from the error. */
export function limitError(code: LimitCode, message: string, status = 400, headers: Record<string, string> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, http: { status, headers: new HeaderMap(Object.entries(headers)) } },
  });
}

/**
 * `"Name" ` for a named operation, nothing for an anonymous one: the start of a refusal
 * message. The name is the client's (a GraphQL name has no length limit), so it is quoted short.
 */
export function operationLabel(operation: OperationDefinitionNode): string {
  return operation.name ? `${quoteInput(operation.name.value)} ` : '';
}
