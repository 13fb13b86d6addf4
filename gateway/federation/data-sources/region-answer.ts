/**
 * What a region sent back, read: a GraphQL response, or a BadResponse saying what came
 * instead (its detail — URL and body — is for the operator log only). Shared by a request
 * alone (region-client.ts) and an envelope's answers (region-envelopes.ts).
 */
import type { GraphQLAnswer } from './types.ts';

/** The region answered, but not with a GraphQL response; `detail` (its URL, the body) is for the log. */
export class BadResponse extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`it answered HTTP ${status} with something other than a GraphQL response`);
    this.name = 'BadResponse';
  }
}

/**
 * A GraphQL answer, or an error saying what came back instead. A region's GraphQL
 * errors (even with HTTP 4xx, as GraphQL-over-HTTP servers send for invalid requests)
 * count as an answer: the region is up and said something.
 */
export function parseAnswer(text: string, status: number, url: string): GraphQLAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadResponse(status, `HTTP ${status} from ${url} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
  return graphQLAnswer(parsed, status, url, text);
}

/** `parsed` as a GraphQL response, or BadResponse saying what came back instead. */
export function graphQLAnswer(parsed: unknown, status: number, url: string, text: string): GraphQLAnswer {
  const body = parsed as GraphQLAnswer;
  if (typeof body !== 'object' || body === null || (!('data' in body) && !Array.isArray(body.errors))) {
    throw new BadResponse(
      status,
      `HTTP ${status} from ${url}: expected a GraphQL response with "data" or "errors", got ${text.slice(0, 120)}`,
    );
  }
  return body;
}
