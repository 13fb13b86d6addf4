/**
 * Who a loopback request is really for. A pushed event is resolved by this gateway asking
 * its own /graphql over loopback (live/resolve.ts), so the event's audit record would name
 * 127.0.0.1 as the client — not the subscriber an auditor needs to see. The resolver sends
 * the subscriber's address in a header, and the HTTP layer believes it only when the
 * request also carries this process's loopback key: 32 random bytes made at start, never
 * written anywhere, so no other client (not even one on this host) can set an address.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const LOOPBACK_KEY_HEADER = 'x-liandong-loopback-key';
export const LOOPBACK_CLIENT_HEADER = 'x-liandong-loopback-client';

const key = randomBytes(32);
const keyText = key.toString('base64url');

/** Headers a loopback request sends on behalf of the client at `address`. */
export function onBehalfOf(address: string): Record<string, string> {
  return { [LOOPBACK_KEY_HEADER]: keyText, [LOOPBACK_CLIENT_HEADER]: address };
}

/** The address a loopback request speaks for, when it carries this process's key; otherwise null. */
export function loopbackClient(headers: IncomingHttpHeaders): string | null {
  const sent = headers[LOOPBACK_KEY_HEADER];
  const address = headers[LOOPBACK_CLIENT_HEADER];
  if (typeof sent !== 'string' || typeof address !== 'string' || !address) return null;
  const given = Buffer.from(sent, 'base64url');
  return given.length === key.length && timingSafeEqual(given, key) ? address : null;
}
