/**
 * Authentication refusals as clients see them.
 *
 * Each refusal is an HTTP 401 with a GraphQL-shaped body (`{ "errors": [...] }`) whose
 * `extensions.code` is always `UNAUTHENTICATED` and whose `extensions.reason` says which
 * check failed, so a client can tell "log in again" (expired) from "this token was never
 * valid here" (bad-issuer) without parsing the message.
 */
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

export type AuthFailureReason =
  | 'missing-token'
  | 'malformed'
  | 'alg-not-allowed'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'bad-issuer'
  | 'bad-audience'
  | 'bad-claims'
  | 'anonymous-introspection';

export class AuthenticationError extends GraphQLError {
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
    status = 401,
  ) {
    super(message, {
      extensions: {
        code: 'UNAUTHENTICATED',
        reason,
        // Apollo Server turns `http` into the response status and headers, then strips it.
        http: { status, headers: new HeaderMap([['www-authenticate', challenge(reason, message)]]) },
      },
    });
    this.name = 'AuthenticationError';
  }
}

/** RFC 6750 challenge; the description is ASCII-only and quote-free as the grammar requires. */
function challenge(reason: AuthFailureReason, message: string): string {
  if (reason === 'missing-token') return 'Bearer realm="liandong"';
  const description = message.replace(/[^\x20-\x7e]|["\\]/g, "'");
  return `Bearer realm="liandong", error="invalid_token", error_description="${description}"`;
}

/** The key set could not be fetched: the server's problem, not the token's. */
export class KeySetUnavailableError extends GraphQLError {
  constructor(detail: string) {
    super(`cannot check the token: the trusted key set is unavailable (${detail})`, {
      extensions: { code: 'AUTH_KEYS_UNAVAILABLE', http: { status: 503 } },
    });
  }
}
