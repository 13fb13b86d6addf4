import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK_CLIENT_HEADER, LOOPBACK_KEY_HEADER, onBehalfOf } from './loopback-client.ts';
import { requestInfo } from './request.ts';

let server: http.Server;
let url: string;
let trustProxy = false;

beforeAll(async () => {
  // Answers each request with the client address the HTTP layer would hand to audit.
  server = http.createServer((req: IncomingMessage, res) => res.end(requestInfo(req, trustProxy).clientAddress));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const addressSeen = async (headers: Record<string, string>) => (await fetch(url, { headers })).text();

describe('the client address of a loopback request', () => {
  it('is the subscriber it was sent for, with this process’s loopback key', async () => {
    expect(await addressSeen(onBehalfOf('203.0.113.7'))).toBe('203.0.113.7');
  });

  it('is the socket’s when the key is missing, wrong or of another length, even behind a trusted proxy', async () => {
    const key = onBehalfOf('203.0.113.7')[LOOPBACK_KEY_HEADER];
    const forged = `${key[0] === 'A' ? 'B' : 'A'}${key.slice(1)}`;
    expect(await addressSeen({ [LOOPBACK_CLIENT_HEADER]: '203.0.113.7' })).toBe('127.0.0.1');
    expect(await addressSeen({ [LOOPBACK_CLIENT_HEADER]: '203.0.113.7', [LOOPBACK_KEY_HEADER]: forged })).toBe('127.0.0.1');
    expect(await addressSeen({ [LOOPBACK_CLIENT_HEADER]: '203.0.113.7', [LOOPBACK_KEY_HEADER]: 'short' })).toBe('127.0.0.1');
    trustProxy = true;
    try {
      expect(
        await addressSeen({ [LOOPBACK_CLIENT_HEADER]: '203.0.113.7', [LOOPBACK_KEY_HEADER]: forged, 'x-forwarded-for': '198.51.100.4' }),
      ).toBe('198.51.100.4');
    } finally {
      trustProxy = false;
    }
  });
});
