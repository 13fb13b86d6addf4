/**
 * Reading a request body under a size limit. The limit is enforced while streaming (and
 * up front from Content-Length), so an oversize body is refused with 413 without ever
 * being held in memory or parsed.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../../common/http/respond.ts';

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
    // A client gone before its body ended ('aborted' errors, or a bare close): the request
    // is refused — and so audited — rather than left unsettled (no-ops once 'end' resolved it).
    const incomplete = (detail: string) =>
      reject(new HttpError(400, 'BODY_INCOMPLETE', `The request body was cut off after ${size} bytes: ${detail}.`));
    req.once('error', (error) => incomplete(error.message));
    req.once('close', () => {
      if (!req.complete) incomplete('the connection closed');
    });
  });
}

/** The media type without parameters, lower case: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}
