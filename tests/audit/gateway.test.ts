/**
 * End to end through the real gateway over HTTP: N concurrent GraphQL operations →
 * exactly N audit records in the gateway's log, each response carrying its auditId,
 * and the chain verifies.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditConfig } from '../../gateway/audit/config.ts';
import { loadPublicKey, publicKeyPath } from '../../common/log/keys.ts';
import { verifyFileLog } from '../../gateway/audit/verify-files.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { readJsonLines } from '../support/json-lines.ts';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.close();
});

function records(dir: string): any[] {
  return readJsonLines(dir, /^audit-\d{6}\.jsonl$/);
}

async function post(query: string): Promise<{ status: number; body: any }> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: await response.json() };
}

describe('audit through the gateway', () => {
  it('writes exactly one record per operation for N concurrent queries, valid or not', async () => {
    const auditDir = join(gateway.dir, 'audit');
    const queries = [
      ...Array.from({ length: 40 }, () => '{ regions { code } }'),
      ...Array.from({ length: 5 }, () => '{ regions { nope } }'),
      ...Array.from({ length: 5 }, () => '{ regions '),
    ];
    const responses = await Promise.all(queries.map(post));
    const ids = responses.map((r) => r.body.extensions?.auditId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(queries.length);

    const written = records(auditDir).filter((r) => r.type === 'audit');
    expect(written).toHaveLength(queries.length);
    expect(new Set(written.map((r) => r.auditId))).toEqual(new Set(ids));
    const outcomes = written.reduce<Record<string, number>>((n, r) => ({ ...n, [r.outcome]: (n[r.outcome] ?? 0) + 1 }), {});
    expect(outcomes).toEqual({ answered: 40, invalid: 10 });
    expect(written.find((r) => r.outcome === 'answered').fields.requested).toEqual(['Query.regions', 'Region.code']);

    const report = verifyFileLog({
      dir: auditDir,
      prefix: 'audit',
      rotate: true,
      publicKey: loadPublicKey(publicKeyPath(loadAuditConfig({}).keyDir)),
    });
    expect(report).toMatchObject({ ok: true, entries: queries.length });

    const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
    expect(metrics).toMatch(/^liandong_audit_records_written_total \d+/m);
    expect(Number(/^liandong_audit_records_written_total (\d+)/m.exec(metrics)![1])).toBeGreaterThanOrEqual(queries.length);
    expect(metrics).toContain('liandong_audit_failures_total 0');
  });
});
