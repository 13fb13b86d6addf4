/**
 * The facts about an HTTP request that layers above HTTP may use (authentication reads
 * headers, audit reads the client address), independent of node's IncomingMessage.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { loopbackClient } from './loopback-client.ts';

export interface HttpRequestInfo {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  clientAddress: string;
}

/**
 * X-Forwarded-For is honoured only when the config says a trusted proxy sets it;
 * otherwise any client could write its own address into the audit log. A request this
 * gateway sends itself for a subscriber (a pushed event) names the subscriber, proven by
 * the process's loopback key (loopback-client.ts).
 */
export function requestInfo(req: IncomingMessage, trustProxy: boolean): HttpRequestInfo {
  const forwarded = trustProxy ? firstForwarded(req.headers['x-forwarded-for']) : null;
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    clientAddress: loopbackClient(req.headers) ?? forwarded ?? req.socket.remoteAddress ?? 'unknown',
  };
}

function firstForwarded(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.trim();
  return first || null;
}

export function headerValue(info: HttpRequestInfo, name: string): string | undefined {
  const value = info.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
