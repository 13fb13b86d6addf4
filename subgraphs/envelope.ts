/**
 * Several gateway requests in one HTTP request (an envelope): the gateway sends one when
 * requests to this region meet under load (gateway/federation/data-sources/region-envelopes.ts).
 *
 * Body: `{"requests": [{"token", "requestId", "body"}]}` — each request's own prepared
 * token and its GraphQL body as the exact text the token's body hash covers. Answer:
 * `{"answers": [{"status", "body"}]}`, one per request in order, each what the request
 * alone would have been answered. The request guard checks the envelope's one signature
 * and each request's own token; each request then runs as one alone would: its own
 * context (caller, purpose, loaders), its own rules and disclosure-log entries.
 */
import type { IncomingMessage } from 'node:http';
import { INTERNAL_ENVELOPE_HEADER, MAX_ENVELOPE } from '../common/security/internal-token.ts';
import { HttpError } from '../common/http/respond.ts';

export interface EnvelopedRequest {
  /** The request's prepared token (`<header>.<payload>`), listed in the envelope's signed token. */
  token: string;
  requestId?: string;
  /** The GraphQL request body, as sent. */
  body: string;
}

/** One request's answer: its HTTP status and its GraphQL response text. */
export interface EnvelopedAnswer {
  status: number;
  body: string;
}

export function isEnvelope(req: IncomingMessage): boolean {
  return req.headers[INTERNAL_ENVELOPE_HEADER] !== undefined;
}

/** The envelope's requests, or a 400 naming what is wrong with its body. */
export function readEnvelope(text: string): EnvelopedRequest[] {
  let parsed: { requests?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'BAD_REQUEST', `envelope body is not valid JSON: ${(error as Error).message}`);
  }
  const requests = parsed?.requests;
  if (!Array.isArray(requests) || requests.length === 0 || requests.length > MAX_ENVELOPE) {
    throw new HttpError(400, 'BAD_REQUEST', `envelope body must be {"requests": [...]} with 1 to ${MAX_ENVELOPE} requests`);
  }
  return requests.map((request: Partial<EnvelopedRequest>, i) => {
    const badField = (['token', 'body'] as const).find((field) => typeof request?.[field] !== 'string');
    if (badField) throw new HttpError(400, 'BAD_REQUEST', `envelope request ${i}: "${badField}" must be a string`);
    if (request.requestId !== undefined && typeof request.requestId !== 'string') {
      throw new HttpError(400, 'BAD_REQUEST', `envelope request ${i}: "requestId" must be a string when present`);
    }
    return { token: request.token!, body: request.body!, requestId: request.requestId };
  });
}

/** A request refused on its own (its token), answered as a request alone would be. */
export function refusedAnswer(status: number, code: string, message: string): EnvelopedAnswer {
  return { status, body: JSON.stringify({ errors: [{ message, extensions: { code } }] }) };
}

/** The envelope's answer text; each body is already JSON, so it is joined, not re-encoded. */
export function envelopeAnswerText(answers: readonly EnvelopedAnswer[]): string {
  return `{"answers":[${answers.map((a) => `{"status":${a.status},"body":${a.body}}`).join(',')}]}`;
}
