/**
 * Every request to /graphql, whatever its method, body or shape, leaves exactly one
 * audit record naming how it ended, and gets a 4xx whose `extensions.code` names what
 * was wrong — over real HTTP against a gateway on 127.0.0.1, counting the records each
 * request adds to the log (their auditId is the response's x-request-id).
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditConfig } from '../../gateway/audit/config.ts';
import { loadPublicKey, publicKeyPath } from '../../common/log/keys.ts';
import { verifyFileLog } from '../../gateway/audit/verify-files.ts';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
let token: string;

beforeAll(async () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'liandong-request-audit-keys-'));
  gateway = await startTestGateway({
    config: {
      allowAnonymous: false,
      auth: { keysDir },
      // This suite sends a few dozen malformed requests from one address on purpose.
      limits: { maxVariablesDepth: 32, refusalsPerAddress: { max: 1000, windowSeconds: 60 } },
    },
  });
  token = await mintDevToken(keysDir, { sub: 'JS-0310552', region: 'JS', roles: ['analyst'], ttlSeconds: 600 });
});

afterAll(async () => {
  await gateway?.close();
});

const auditDir = () => join(gateway.dir, 'audit');

function entries(): any[] {
  return readdirSync(auditDir())
    .filter((f) => /^audit-\d{6}\.jsonl$/.test(f))
    .sort()
    .flatMap((f) =>
      readFileSync(join(auditDir(), f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    );
}

interface Sent {
  status: number;
  code: string | undefined;
  requestId: string;
  records: any[];
}

/** Sends one request and returns its answer and the audit records it added. */
async function send(init: {
  method?: string;
  search?: string;
  body?: string;
  headers?: Record<string, string>;
  bearer?: boolean;
}): Promise<Sent> {
  const before = entries().length;
  const headers: Record<string, string> = { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers };
  if (init.bearer !== false) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${gateway.url}${init.search ?? ''}`, { method: init.method ?? 'POST', headers, body: init.body });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = JSON.parse(text).errors?.[0]?.extensions?.code;
  } catch {
    code = undefined; // HEAD: no body
  }
  return { status: response.status, code, requestId: response.headers.get('x-request-id')!, records: entries().slice(before) };
}

const Q = '{ regions { code } }';
const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** [kind, request, expected status, expected code, expected outcome] */
const KINDS: [string, Parameters<typeof send>[0], number, string, string][] = [
  ['batched array body', { body: JSON.stringify([{ query: Q }, { query: Q }]) }, 400, 'BATCH_NOT_SUPPORTED', 'invalid'],
  ['empty array body', { body: '[]' }, 400, 'BATCH_NOT_SUPPORTED', 'invalid'],
  ['non-string query', { body: JSON.stringify({ query: 5 }) }, 400, 'QUERY_NOT_STRING', 'invalid'],
  ['query as an object', { body: JSON.stringify({ query: { kind: 'Document' } }) }, 400, 'QUERY_NOT_STRING', 'invalid'],
  ['{} body', { body: '{}' }, 400, 'QUERY_MISSING', 'invalid'],
  ['null body', { body: 'null' }, 400, 'BODY_NOT_OBJECT', 'invalid'],
  ['number body', { body: '42' }, 400, 'BODY_NOT_OBJECT', 'invalid'],
  ['string variables', { body: JSON.stringify({ query: Q, variables: '{"a":1}' }) }, 400, 'VARIABLES_NOT_OBJECT', 'invalid'],
  ['array variables', { body: JSON.stringify({ query: Q, variables: [1] }) }, 400, 'VARIABLES_NOT_OBJECT', 'invalid'],
  ['non-string operationName', { body: JSON.stringify({ query: Q, operationName: 1 }) }, 400, 'OPERATION_NAME_NOT_STRING', 'invalid'],
  ['string extensions', { body: JSON.stringify({ query: Q, extensions: 'x' }) }, 400, 'EXTENSIONS_NOT_OBJECT', 'invalid'],
  ['invalid JSON', { body: '{"query": ' }, 400, 'BODY_NOT_JSON', 'invalid'],
  [
    'variables nested 5,000 deep',
    { body: `{"query":${JSON.stringify('query Q($a: String) { regions { code } }')},"variables":{"a":${deepJson(5000)}}}` },
    400,
    'VARIABLES_TOO_DEEP',
    'invalid',
  ],
  [
    'extensions nested 5,000 deep',
    { body: `{"query":${JSON.stringify(Q)},"extensions":${deepJson(5000)}}` },
    400,
    'EXTENSIONS_TOO_DEEP',
    'invalid',
  ],
  ['PUT', { method: 'PUT', body: JSON.stringify({ query: Q }) }, 405, 'METHOD_NOT_ALLOWED', 'invalid'],
  ['DELETE', { method: 'DELETE' }, 405, 'METHOD_NOT_ALLOWED', 'invalid'],
  ['PATCH', { method: 'PATCH', body: '{}' }, 405, 'METHOD_NOT_ALLOWED', 'invalid'],
  ['OPTIONS', { method: 'OPTIONS' }, 405, 'METHOD_NOT_ALLOWED', 'invalid'],
  ['text/plain POST', { body: Q, headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'invalid'],
  ['GET without query', { method: 'GET' }, 400, 'QUERY_MISSING', 'invalid'],
  [
    'GET with query twice',
    { method: 'GET', search: `?query=${encodeURIComponent(Q)}&query=${encodeURIComponent(Q)}` },
    400,
    'PARAMETER_REPEATED',
    'invalid',
  ],
  [
    'GET with variables not JSON',
    { method: 'GET', search: `?query=${encodeURIComponent(Q)}&variables=%7B` },
    400,
    'VARIABLES_NOT_OBJECT',
    'invalid',
  ],
  [
    'GET with a text/plain body type',
    { method: 'GET', search: `?query=${encodeURIComponent(Q)}`, headers: { 'content-type': 'text/plain' } },
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'invalid',
  ],
  [
    'unknown operationName',
    { body: JSON.stringify({ query: 'query A { regions { code } }', operationName: 'Nope' }) },
    400,
    'OPERATION_RESOLUTION_FAILURE',
    'invalid',
  ],
  [
    'two operations, no operationName',
    { body: JSON.stringify({ query: 'query A { regions { code } } query B { regions { name } }' }) },
    400,
    'OPERATION_RESOLUTION_FAILURE',
    'invalid',
  ],
  // The graph has mutations now (assistance requests): one it does not have fails validation.
  ['mutation field the graph lacks', { body: JSON.stringify({ query: 'mutation M { x }' }) }, 400, 'GRAPHQL_VALIDATION_FAILED', 'invalid'],
  [
    'subscription as a plain request (it needs an event stream or a WebSocket)',
    { body: JSON.stringify({ query: 'subscription { alerts { id } }' }) },
    400,
    'SUBSCRIPTION_TRANSPORT_REQUIRED',
    'invalid',
  ],
  ['no token', { body: JSON.stringify({ query: Q }), bearer: false }, 401, 'UNAUTHENTICATED', 'unauthenticated'],
  ['parse error', { body: JSON.stringify({ query: '{ regions ' }) }, 400, 'GRAPHQL_PARSE_FAILED', 'invalid'],
];

describe('one audit record per request, whatever its shape', () => {
  for (const [kind, request, status, code, outcome] of KINDS) {
    it(`${kind}: ${status} ${code}, one record`, async () => {
      const sent = await send(request);
      expect({ status: sent.status, code: sent.code }).toEqual({ status, code });
      expect(sent.records).toHaveLength(1);
      expect(sent.records[0]).toMatchObject({ type: 'audit', auditId: sent.requestId, outcome, errorCodes: [code], httpStatus: status });
    });
  }

  it('HEAD: 405, one record', async () => {
    const sent = await send({ method: 'HEAD' });
    expect(sent.status).toBe(405);
    expect(sent.records).toEqual([
      expect.objectContaining({ auditId: sent.requestId, errorCodes: ['METHOD_NOT_ALLOWED'], httpStatus: 405 }),
    ]);
  });

  it('a client gone before the end of its body: one record, BODY_INCOMPLETE', async () => {
    const before = entries().length;
    const url = new URL(gateway.url);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await expect.poll(() => entries().length - before, { timeout: 5000 }).toBe(1);
    expect(entries().at(-1)).toMatchObject({ outcome: 'invalid', errorCodes: ['BODY_INCOMPLETE'], httpStatus: 400 });
  });

  it('keeps a bounded digest in place of variables too deep to store, so the record can be written', async () => {
    const body = `{"query":"query Q($a: String) { regions { code } }","variables":{"a":${deepJson(100_000)}}}`;
    const sent = await send({ body });
    expect(sent.status).toBe(400);
    expect(sent.records).toHaveLength(1);
    expect(sent.records[0].variables).toEqual({
      $refused: 'VARIABLES_TOO_DEEP',
      maxDepth: 32,
      requestBytes: Buffer.byteLength(body),
      requestSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(sent.records[0]).length).toBeLessThan(4096);
  });

  it('still answers and records well-formed requests, POST and GET, with variables at the depth limit', async () => {
    const post = await send({ body: JSON.stringify({ query: Q }) });
    expect([post.status, post.records.map((r) => r.outcome)]).toEqual([200, ['answered']]);
    const get = await send({ method: 'GET', search: `?query=${encodeURIComponent(Q)}` });
    expect([get.status, get.records.map((r) => r.outcome)]).toEqual([200, ['answered']]);
    const atLimit = await send({ body: `{"query":"{ regions { code } }","variables":${deepJson(31)}}` });
    expect([atLimit.status, atLimit.records.map((r) => r.outcome)]).toEqual([200, ['answered']]);
    const named = await send({
      body: JSON.stringify({ query: 'query A { regions { code } } query B { regions { name } }', operationName: 'B' }),
    });
    expect([named.status, named.records.map((r) => r.operation.name)]).toEqual([200, ['B']]);
  });

  it('leaves a log that verifies, one record per request sent', async () => {
    const report = verifyFileLog({
      dir: auditDir(),
      prefix: 'audit',
      rotate: true,
      publicKey: loadPublicKey(publicKeyPath(loadAuditConfig({}).keyDir)),
    });
    expect(report).toMatchObject({ ok: true, entries: KINDS.length + 1 + 1 + 1 + 4 });
    expect(new Set(entries().map((e) => e.auditId)).size).toBe(KINDS.length + 7);
  });
});
