/**
 * The small node:http side of the subgraph: bodies in, GraphQL responses out (JSON
 * answers and refusals: common/http/respond.ts, shared with the gateway).
 *
 * Apollo Server's `executeHTTPGraphQLRequest` does the GraphQL-over-HTTP work; this
 * module only adapts node's request/response to it (no express: one less layer on the
 * hot path between gateway and region).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { HttpError } from '../common/http/respond.ts';

/**
 * The whole body as UTF-8 text, refusing bodies over `limit` bytes without buffering
 * them. Listeners rather than `for await`: leaving an async iterator early destroys the
 * socket, and the 413 answer would never reach the client.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${limit} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: () => void) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else
        finish(() => {
          req.pause();
          reject(tooLarge());
        });
    };
    const onEnd = () => finish(() => resolve(Buffer.concat(chunks).toString('utf8')));
    const onError = (error: Error) => finish(() => reject(error));
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** JSON bodies are parsed here (Apollo expects an object); anything else is left for Apollo to refuse. */
function parsedBody(headers: HeaderMap, text: string): unknown {
  const type = headers.get('content-type') ?? '';
  if (text.length === 0 || !/^application\/(graphql-response\+)?json\b/i.test(type)) return text || undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'BAD_REQUEST', `request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function toGraphQLRequest(req: IncomingMessage, url: URL, body: string): HTTPGraphQLRequest {
  const headers = headerMap(req);
  return { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body: parsedBody(headers, body) };
}

/** An enveloped request's GraphQL body as Apollo's request (a POST of JSON), or an error naming what is wrong. */
export function jsonRequest(body: string): HTTPGraphQLRequest {
  const headers = new HeaderMap([['content-type', 'application/json']]);
  return { method: 'POST', headers, search: '', body: parsedBody(headers, body) };
}

/** A response's whole text (an enveloped request is answered whole, never streamed). */
export async function completeText(response: HTTPGraphQLResponse): Promise<string> {
  if (response.body.kind === 'complete') return response.body.string;
  let text = '';
  for await (const chunk of response.body.asyncIterator) text += chunk;
  return text;
}

/** A JSON text already made (an envelope's answers). */
export function sendJsonText(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function sendGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  res.statusCode = response.status ?? 200;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
