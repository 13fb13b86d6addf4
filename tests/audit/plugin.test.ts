/**
 * The audit plugin on a real Apollo Server: one record per operation whatever its
 * outcome, whose-data extraction through aliases and nesting, fail closed on a full
 * disk, and the query index answering "who looked at person X".
 */
import { ApolloServer } from '@apollo/server';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditServices } from '../../gateway/audit/audit-log.ts';
import { AuditMetrics, registerAuditMetrics } from '../../common/log/metrics.ts';
import { createRequestLog } from '../../gateway/logging/request-log.ts';
import { createMetrics } from '../../gateway/metrics/index.ts';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { AuditRecorder } from '../../gateway/audit/recorder.ts';
import type { GatewayContext } from '../../gateway/context.ts';
import { createAuditPlugin, recordHttpRefusal, refusalFromError } from '../../gateway/audit/index.ts';
import { GraphQLError } from 'graphql';
import { openTestAudit, tempDir, verifyTestLog } from './fixtures.ts';
import { FaultyFs } from './support/faulty-fs.ts';
import { contextFor, resolvers, typeDefs } from './support/schema.ts';

const X = '320102198001011238';
const X_LEGACY = '320102800101123'; // the same person's 15-digit number
const Y = '11010519491231002X';

interface Harness {
  audit: AuditServices;
  run: (officer: string | null, query: string, variables?: Record<string, unknown>) => Promise<{ status?: number; result: any }>;
  records: () => any[];
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function harness(deps: Parameters<typeof openTestAudit>[2] = {}): Promise<Harness & { dir: string }> {
  const { dir, remove } = tempDir('audit-plugin');
  cleanups.push(remove);
  const audit = await openTestAudit(dir, {}, deps);
  cleanups.push(() => audit.close());
  const server = new ApolloServer<GatewayContext>({
    typeDefs,
    resolvers,
    plugins: [createAuditPlugin(new AuditRecorder(audit.log, audit.operations))],
  });
  await server.start();
  cleanups.push(() => server.stop());
  let n = 0;
  const run: Harness['run'] = async (officer, query, variables) => {
    const response = await server.executeOperation({ query, variables }, { contextValue: contextFor(officer, `req-${++n}`) });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { status: response.http.status, result: response.body.singleResult };
  };
  const records = () =>
    readFileSync(join(dir, 'audit', 'audit-000001.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  return { dir, audit, run, records };
}

describe('audit plugin', () => {
  it('records whose data was returned, through aliases, fragments and nesting', async () => {
    const h = await harness();
    const { result } = await h.run(
      'alice',
      `query Q($id: String!) {
      who: person(idNumber: $id) { nm: name ...R }
      case(id: "JS:C-2026-000007") { parties { person { key: idNumber } } }
    } fragment R on Person { records { rid: id n: idNumber } }`,
      { id: X_LEGACY },
    );
    expect(result.data.who.nm).toBeTruthy();
    expect(result.extensions.auditId).toBe('req-1');
    const [record] = h.records();
    expect(record).toMatchObject({
      auditId: 'req-1',
      outcome: 'answered',
      operation: { name: 'Q', type: 'query' },
      officer: { sub: 'alice', region: 'JS' },
      purpose: { code: 'CASE', caseRef: 'JS:C-2026-000001' },
      subjects: { persons: [X], cases: ['JS:C-2026-000007'], records: [`JS:P-${X.slice(-6)}`] },
      variables: { id: X_LEGACY },
      regions: [{ region: 'JS', status: 'hit' }],
    });
    expect(record.fields.requested).toEqual(
      expect.arrayContaining(['Query.person', 'Person.records', 'PersonRecord.idNumber', 'CaseParty.person']),
    );
    expect(record.operation.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await h.audit.operations.text(record.operation.hash)).toContain('query Q');
  });

  it('writes one record for every outcome: invalid, failed, and many concurrent answers', async () => {
    const h = await harness();
    const invalid = await h.run('bob', '{ person(idNumber: ');
    const badInput = await h.run('bob', `{ person(idNumber: "123") { name } }`);
    const failed = await h.run('bob', '{ boom }');
    expect(invalid.result.extensions.auditId).toBeDefined();
    expect(failed.result.extensions.auditId).toBeDefined();
    await Promise.all(Array.from({ length: 50 }, () => h.run('carol', `{ person(idNumber: "${Y}") { name } }`)));
    const records = h.records();
    expect(records).toHaveLength(53);
    expect(records.slice(0, 3).map((r) => r.outcome)).toEqual(['invalid', 'invalid', 'failed']);
    expect(records[0].errorCodes).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(records[1].subjects.persons).toEqual([]);
    expect(badInput.result.data.person).toBeNull();
    expect(new Set(records.map((r) => r.auditId)).size).toBe(53);
    await h.audit.close();
    expect(verifyTestLog(h.dir)).toMatchObject({ ok: true, entries: 53 });
  });

  it('refuses with AUDIT_UNAVAILABLE and no data when the disk is full, then recovers where it stopped', async () => {
    const fs = new FaultyFs();
    const metrics = new AuditMetrics();
    const h = await harness({ fs, metrics });
    await h.run('alice', `{ person(idNumber: "${X}") { name } }`);
    fs.full = true;
    const refused = await h.run('alice', `{ person(idNumber: "${X}") { name idNumber } }`);
    expect(refused.status).toBe(503);
    expect(refused.result.data).toBeUndefined();
    expect(refused.result.errors).toEqual([expect.objectContaining({ extensions: { code: 'AUDIT_UNAVAILABLE', auditId: 'req-2' } })]);
    expect(JSON.stringify(refused.result)).not.toContain(X);
    expect(metrics.failures).toBe(1);
    expect(metrics.unavailable).toBe(1);
    const stillFull = await h.run('alice', `{ person(idNumber: "${X}") { name } }`);
    expect(stillFull.result.errors[0].extensions.code).toBe('AUDIT_UNAVAILABLE');

    fs.full = false;
    const after = await h.run('alice', `{ person(idNumber: "${X}") { name } }`);
    expect(after.result.data.person.name).toBeTruthy();
    expect(metrics.unavailable).toBe(0);
    // The refused batch's partial line was cut off again when it failed: no torn tail, no gap.
    const records = h.records();
    expect(records.map((r) => [r.type, r.auditId])).toEqual([
      ['audit', 'req-1'],
      ['audit', 'req-4'],
    ]);
    await h.audit.close();
    const report = verifyTestLog(h.dir);
    expect(report).toMatchObject({ ok: true, entries: 2, gaps: [] });
  });

  it("answers 'who looked at person X' with exactly the officers whose responses contained X", async () => {
    const h = await harness();
    await h.run('alice', `{ person(idNumber: "${X}") { name } }`);
    await h.run('bob', `{ p: person(idNumber: "${X_LEGACY}") { records { id } } }`);
    await h.run('carol', `{ person(idNumber: "${Y}") { idNumber } }`);
    await h.run('dave', `{ case(id: "JS:C-2026-000009") { parties { role person { idNumber } } } }`);
    await h.run('erin', `{ person(idNumber: "${X}x") { name } }`); // malformed: nothing returned
    await h.run('frank', `{ person(idNumber: ${JSON.stringify(X)} { name } }`); // parse error
    const officers = (await h.audit.index!.officers({ person: X })).map((o) => o.sub);
    expect(officers).toEqual(['alice', 'bob', 'dave']);
    expect((await h.audit.index!.officers({ person: Y })).map((o) => o.sub)).toEqual(['carol']);
    const page = await h.audit.index!.find({ person: X }, 2, null);
    expect(page.edges).toHaveLength(2);
    expect(page.hasNextPage).toBe(true);
    const rest = await h.audit.index!.find({ person: X }, 2, page.endCursor);
    expect([...page.edges, ...rest.edges].map((e) => e.node.officer?.sub).sort()).toEqual(['alice', 'bob', 'dave']);
    expect(rest.hasNextPage).toBe(false);
  });
});

describe('audit internal errors', () => {
  /** A recorder whose record cannot be built: stands for any bug in the audit code itself. */
  class BrokenRecorder extends AuditRecorder {
    override async record(): Promise<never> {
      throw new TypeError("Cannot read properties of undefined (reading 'if')", { cause: new RangeError('walking @include(if: $v)') });
    }
  }

  it('are logged with their cause, counted apart from sink failures, and reported as the 503 the client gets', async () => {
    const { dir, remove } = tempDir('audit-internal');
    cleanups.push(remove);
    const audit = await openTestAudit(dir);
    cleanups.push(() => audit.close());
    const lines: Record<string, any>[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
          done();
        },
      }),
    );
    const auditMetrics = new AuditMetrics();
    const gatewayMetrics = createMetrics({ audit: auditMetrics });
    // In the gateway's order (plugins/index.ts): metrics and the request log before the audit.
    const server = new ApolloServer<GatewayContext>({
      typeDefs,
      resolvers,
      plugins: [
        gatewayMetrics.plugin,
        createRequestLog(logger).plugin,
        createAuditPlugin(new BrokenRecorder(audit.log, audit.operations), { logger, metrics: auditMetrics }),
      ],
    });
    await server.start();
    cleanups.push(() => server.stop());

    const response = await server.executeOperation(
      { query: `{ person(idNumber: "${X}") { name } }` },
      { contextValue: contextFor('alice', 'req-internal') },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.http.status).toBe(503);
    expect(response.body.singleResult.data).toBeUndefined();
    expect(response.body.singleResult.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'AUDIT_UNAVAILABLE', auditId: 'req-internal' } }),
    ]);

    expect(auditMetrics.internalErrors).toBe(1);
    expect(auditMetrics.failures).toBe(0); // the sink did not fail
    const registry = new Registry();
    registerAuditMetrics(registry, auditMetrics);
    expect(await registry.metrics()).toContain('liandong_audit_internal_errors_total 1');
    expect(await gatewayMetrics.metrics.registry.metrics()).toMatch(/liandong_graphql_errors_total\{code="AUDIT_UNAVAILABLE"\} 1/);

    const alert = lines.find((l) => l.alert === 'AUDIT_UNAVAILABLE');
    expect(alert).toMatchObject({
      reason: 'internal-error',
      auditId: 'req-internal',
      err: { type: 'TypeError', message: expect.stringContaining("reading 'if'") },
    });
    expect(alert!.err.stack).toContain('walking @include(if: $v)'); // the cause, as pino prints it
    const request = lines.find((l) => l.msg === 'graphql request');
    expect(request).toMatchObject({ auditId: 'req-internal', status: 503, errorCodes: ['AUDIT_UNAVAILABLE'], outcome: 'failed' });
  });
});

describe('HTTP-level refusals', () => {
  it('records a 401 refused before GraphQL ran, with the officer unknown and the outcome unauthenticated', async () => {
    const { dir, remove } = tempDir('audit-refusal');
    cleanups.push(remove);
    const audit = await openTestAudit(dir);
    cleanups.push(() => audit.close());
    const recorder = new AuditRecorder(audit.log, audit.operations);
    const error = new GraphQLError('token expired', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    const auditId = await recordHttpRefusal(recorder, contextFor(null, 'req-401'), refusalFromError(error));
    const tooLarge = await recordHttpRefusal(
      recorder,
      contextFor('alice', 'req-413'),
      refusalFromError(Object.assign(new Error('big'), { status: 413, code: 'PAYLOAD_TOO_LARGE' })),
    );
    expect([auditId, tooLarge]).toEqual(['req-401', 'req-413']);
    const records = readFileSync(join(dir, 'audit', 'audit-000001.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(records.map((r) => [r.auditId, r.outcome, r.httpStatus, r.errorCodes, r.officer?.sub ?? null])).toEqual([
      ['req-401', 'unauthenticated', 401, ['UNAUTHENTICATED'], null],
      ['req-413', 'invalid', 413, ['PAYLOAD_TOO_LARGE'], 'alice'],
    ]);
  });
});
