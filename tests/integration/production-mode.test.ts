/**
 * The gateway as deployed: the Docker image (docker/Dockerfile) and the benchmark run it
 * with NODE_ENV=production, under which Apollo Server turns introspection off unless told
 * otherwise — and GraphiQL, which loads the schema by introspection, would then show
 * nothing. Who may introspect is Liandong's own rule (authenticated callers only,
 * gateway/auth/authentication-plugin.ts), the same in every NODE_ENV.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
let token: string;

beforeAll(async () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'liandong-production-mode-keys-'));
  const before = process.env.NODE_ENV;
  // Apollo Server reads NODE_ENV when it is constructed: build this gateway as production builds it.
  process.env.NODE_ENV = 'production';
  try {
    gateway = await startTestGateway({ config: { auth: { keysDir } } });
  } finally {
    process.env.NODE_ENV = before;
  }
  token = await mintDevToken(keysDir, { sub: 'PROD-MODE', region: 'JS', roles: ['analyst'], ttlSeconds: 600 });
});

afterAll(async () => {
  await gateway?.close();
});

const introspect = (headers: Record<string, string>) =>
  fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
  }).then(async (response) => ({ status: response.status, json: (await response.json()) as any }));

describe('NODE_ENV=production', () => {
  it('serves introspection (GraphiQL’s schema) to an authenticated caller', async () => {
    const { json } = await introspect({ authorization: `Bearer ${token}` });
    expect(json.errors).toBeUndefined();
    expect(json.data.__schema.queryType.name).toBe('Query');
  });

  it('still refuses it to an anonymous caller, by Liandong’s rule', async () => {
    const { json } = await introspect({});
    expect(json.data ?? null).toBeNull();
    expect(json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
