/**
 * The GraphQL-over-HTTP spec audit suite (graphql-http's `serverAudits`) against the
 * running gateway over real HTTP. Every MUST audit must pass; SHOULD and MAY audits are
 * reported (a failing SHOULD is listed in the test output, not a failure).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
let token: string;

/**
 * Several audits ask `__type` (introspection), which Liandong serves only to authenticated
 * callers: the suite runs as an officer, the way GraphiQL does once a token is entered.
 */
const authenticatedFetch: typeof fetch = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

beforeAll(async () => {
  // The audit suite sends ~100 requests as one anonymous caller in a burst, many of them
  // malformed on purpose: the per-officer rate limit (tests/security/limits.test.ts) and the
  // per-address limit on refusals (tests/integration/refusal-flood.test.ts) are raised so
  // they do not answer 429.
  const keysDir = mkdtempSync(join(tmpdir(), 'liandong-http-audit-keys-'));
  gateway = await startTestGateway({
    config: {
      auth: { keysDir },
      limits: { rateLimit: { burst: 10_000, perSecond: 10_000 }, refusalsPerAddress: { max: 10_000, windowSeconds: 60 } },
    },
  });
  token = await mintDevToken(keysDir, { sub: 'AUDIT-SUITE', region: 'JS', roles: ['analyst'], ttlSeconds: 600 });
});

afterAll(async () => {
  await gateway?.close();
});

describe('GraphQL over HTTP audits', () => {
  for (const audit of serverAudits({ url: () => gateway.url, fetchFn: authenticatedFetch })) {
    const must = audit.name.startsWith('MUST');
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      if (result.status !== 'ok') {
        const detail = `${audit.name}: ${result.reason}`;
        if (must) expect.fail(detail);
        console.warn(`[audit ${result.status}] ${detail}`);
      }
    });
  }
});
