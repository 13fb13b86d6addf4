/**
 * A flood of unauthenticated requests cannot fill the audit disk: past
 * `limits.refusalsPerAddress.max` refusals in a window, one address's refusals are
 * answered 429 and counted into one summary entry per window — while an officer's
 * request in the middle of the flood, from the same address, is answered and audited
 * as always. Measured over real HTTP on 127.0.0.1: audit bytes written per request.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAuditConfig } from '../../gateway/audit/config.ts';
import { loadPublicKey, publicKeyPath } from '../../common/log/keys.ts';
import { verifyFileLog } from '../../gateway/audit/verify-files.ts';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(
  limits: Record<string, unknown>,
  server: Record<string, unknown> = {},
): Promise<{ gateway: TestGateway; officer: string }> {
  const keysDir = mkdtempSync(join(tmpdir(), 'liandong-flood-keys-'));
  const gateway = await startTestGateway({
    config: { allowAnonymous: false, auth: { keysDir }, limits, server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 500, ...server } },
  });
  cleanups.push(() => gateway.close());
  const officer = await mintDevToken(keysDir, { sub: 'JS-0310552', region: 'JS', roles: ['analyst'], ttlSeconds: 600 });
  return { gateway, officer };
}

const auditDir = (gateway: TestGateway) => join(gateway.dir, 'audit');
const segments = (gateway: TestGateway) =>
  readdirSync(auditDir(gateway))
    .filter((f) => /^audit-\d{6}\.jsonl$/.test(f))
    .sort();
const auditBytes = (gateway: TestGateway) => segments(gateway).reduce((sum, f) => sum + statSync(join(auditDir(gateway), f)).size, 0);
const entries = (gateway: TestGateway): any[] =>
  segments(gateway).flatMap((f) =>
    readFileSync(join(auditDir(gateway), f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  );

const QUERY = JSON.stringify({ query: '{ regions { code } }' });

/** The flood's requests: no token, a token that is not a JWT, a body that is not JSON — in turn. */
function floodRequest(gateway: TestGateway, i: number, headers: Record<string, string> = {}): Promise<Response> {
  const kind = i % 3;
  return fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(kind === 1 ? { authorization: 'Bearer not-a-jwt' } : {}), ...headers },
    body: kind === 2 ? '{"query": ' : QUERY,
  });
}

/** Sends `count` requests, `concurrency` at a time; `during` runs once half of them are sent. */
async function flood(
  count: number,
  concurrency: number,
  send: (i: number) => Promise<Response>,
  during?: () => Promise<void>,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  let duringRun: Promise<void> | null = null;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (i === Math.floor(count / 2) && during) duringRun = during();
      const response = await send(i);
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await duringRun;
  return statuses;
}

function verify(gateway: TestGateway) {
  return verifyFileLog({
    dir: auditDir(gateway),
    prefix: 'audit',
    rotate: true,
    publicKey: loadPublicKey(publicKeyPath(loadAuditConfig({}).keyDir)),
  });
}

describe('an unauthenticated flood is limited and audited in bounded space', () => {
  it('3,000 refused requests from one address: 20 records and one summary; the officer in the middle is answered and audited', async () => {
    const { gateway, officer } = await start({ refusalsPerAddress: { max: 20, windowSeconds: 60 } });
    const before = auditBytes(gateway);
    let officerAnswer: { status: number; body: any; auditId: string | null } | null = null;
    let officerRefusal: { status: number; code: string } | null = null;
    const started = Date.now();
    const statuses = await flood(
      3000,
      30,
      (i) => floodRequest(gateway, i),
      async () => {
        const response = await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}` },
          body: QUERY,
        });
        officerAnswer = { status: response.status, body: await response.json(), auditId: response.headers.get('x-request-id') };
        // An officer's own refusal (a malformed purpose) is never counted away either.
        const refused = await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}`, 'x-purpose': 'no-such-purpose' },
          body: QUERY,
        });
        officerRefusal = { status: refused.status, code: ((await refused.json()) as any).errors[0].extensions.code };
      },
    );
    const seconds = (Date.now() - started) / 1000;

    // The first 20 refusals are answered as what they are; which 20 arrive first is up to
    // the 30 concurrent clients (a third are malformed JSON, two thirds lack a valid token).
    expect(statuses.get(429)).toBe(2980);
    expect((statuses.get(401) ?? 0) + (statuses.get(400) ?? 0)).toBe(20);
    expect(statuses.get(401)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect([...statuses.keys()].sort()).toEqual([400, 401, 429]);
    expect(officerAnswer).toMatchObject({ status: 200, body: { data: { regions: [{ code: 'XX' }] } } });
    expect(officerRefusal).toEqual({ status: 400, code: 'PURPOSE_INVALID' });
    const retry = await floodRequest(gateway, 0);
    expect(retry.status).toBe(429);
    expect(Number(retry.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await retry.json()) as any).errors[0]).toMatchObject({
      extensions: { code: 'RATE_LIMITED' },
      message: expect.stringContaining('UNAUTHENTICATED'),
    });

    await gateway.stop(); // the open window's summary is written at shutdown
    const written = auditBytes(gateway) - before;
    const all = entries(gateway);
    const officers = all.filter((e) => e.type === 'audit' && e.officer);
    const anonymous = all.filter((e) => e.type === 'audit' && !e.officer);
    const summaries = all.filter((e) => e.type === 'refusals');
    expect(officers.map((e) => [e.auditId === officerAnswer!.auditId ? 'flood-officer' : e.auditId, e.outcome, e.errorCodes])).toEqual([
      ['flood-officer', 'answered', []],
      [expect.any(String), 'invalid', ['PURPOSE_INVALID']],
    ]);
    expect(anonymous).toHaveLength(20);
    expect(summaries).toEqual([
      expect.objectContaining({
        client: { address: '127.0.0.1' },
        count: 2981,
        // 1,000 malformed and 2,000 unauthenticated requests, less the 20 answered first (their
        // mix is the clients' race), plus the retry above (unauthenticated).
        refusedAs: { BODY_NOT_JSON: 1000 - statuses.get(400)!, UNAUTHENTICATED: 2000 - statuses.get(401)! + 1 },
        outcome: 'rate-limited',
        httpStatus: 429,
      }),
    ]);
    expect(verify(gateway)).toMatchObject({ ok: true, entries: 20 + 2 + 1 });
    // Bounded: 23 entries for 3,001 refused requests — a few bytes per request, not a record each.
    expect(written).toBeLessThan(64 * 1024);
    console.info(
      `[flood] 3,001 refused requests + 2 officer requests in ${seconds.toFixed(1)} s: ${all.length} audit entries, ${written} bytes (${(written / 3003).toFixed(1)} B/request)`,
    );
  }, 180_000); // ~15 s on a loaded 2-core machine; bounded by the request count, not by time

  it('writes the summary when the window closes, then answers and records the address again', async () => {
    const { gateway } = await start({ refusalsPerAddress: { max: 5, windowSeconds: 1 } });
    const statuses = await flood(50, 10, (i) => floodRequest(gateway, 3 * i)); // no token, each
    expect(Object.fromEntries(statuses)).toEqual({ 401: 5, 429: 45 });
    await new Promise((resolve) => setTimeout(resolve, 2500)); // the window ends, the sweep writes its summary
    expect(entries(gateway).filter((e) => e.type === 'refusals')).toEqual([
      expect.objectContaining({ count: 45, refusedAs: { UNAUTHENTICATED: 45 } }),
    ]);
    const again = await floodRequest(gateway, 0);
    expect(again.status).toBe(401);
    expect(entries(gateway).filter((e) => e.type === 'audit')).toHaveLength(6);
    // /metrics counts what the clients got: each counted refusal as a 429.
    const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
    expect(metrics).toContain('liandong_graphql_errors_total{code="RATE_LIMITED"} 45');
    expect(metrics).toContain('liandong_graphql_errors_total{code="UNAUTHENTICATED"} 6');
  });

  it('counts per client address as server.trustProxy says, IPv6 by its /64', async () => {
    const { gateway } = await start({ refusalsPerAddress: { max: 3, windowSeconds: 60 } }, { trustProxy: true });
    const from = (address: string) => floodRequest(gateway, 0, { 'x-forwarded-for': `${address}, 10.9.9.9` }).then((r) => r.status);
    const statuses = async (address: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(await from(address));
      return out;
    };
    expect(await statuses('198.51.100.7', 5)).toEqual([401, 401, 401, 429, 429]);
    expect(await statuses('198.51.100.8', 1)).toEqual([401]);
    expect(await statuses('2001:db8:1:2::1', 3)).toEqual([401, 401, 401]);
    expect(await statuses('2001:db8:1:2:ffff::9', 1)).toEqual([429]); // the same /64: one host's addresses
    expect(await statuses('2001:db8:1:3::1', 1)).toEqual([401]);
    await gateway.stop();
    const summaries = entries(gateway)
      .filter((e) => e.type === 'refusals')
      .map((e) => [e.client.address, e.count]);
    expect(summaries.sort()).toEqual([
      ['198.51.100.7', 2],
      ['2001:db8:1:2::/64', 1],
    ]);
  });
});
