/**
 * Maximum operations per batch: a JSON array of operations in one HTTP request runs
 * them all, so a batch of a thousand is a thousand requests that passed the rate
 * limiter as one. The HTTP layer calls this on the parsed body, before Apollo Server.
 */
import { HttpError } from '../http/respond.ts';
import { LIMIT_CODES } from './refusal.ts';

/** Throws HttpError 400 BATCH_LIMIT_EXCEEDED when `body` is a batch of more than `max` operations. */
export function checkBatchSize(body: unknown, max: number): void {
  if (Array.isArray(body) && body.length > max) {
    throw new HttpError(400, LIMIT_CODES.batch, `The request batches ${body.length} operations; the limit is ${max} per request.`);
  }
}
