/**
 * Reading a request body under a size limit. The limit is enforced while streaming (and
 * up front from Content-Length), so an oversize body is refused with 413 without ever
 * being held in memory or parsed.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './respond.ts';
import { quoteInput } from '../../adapters/normalise/index.ts';

function tooLarge(limit: number, size: string): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body of ${size} exceeds the limit of ${limit} bytes.`);
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit, `${declared} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Keep draining without storing (destroying the request would also lose the 413);
      // the router answers with `connection: close`, which ends the upload.
      req.off('data', onData);
      req.resume();
      reject(tooLarge(limit, `more than ${limit} bytes`));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** The media type without parameters, lower case: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/** The POST body Apollo Server expects: a parsed JSON object. */
export async function readGraphQLBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = mediaType(req.headers['content-type']);
  if (type !== 'application/json') {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE',
      `POST ${req.url}: Content-Type ${quoteInput(req.headers['content-type'] ?? '')} is not supported; send application/json.`);
  }
  const body = await readBody(req, limit);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, 'BAD_REQUEST', `Request body is not valid JSON: ${(error as Error).message}`);
  }
}
