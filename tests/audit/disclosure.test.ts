/**
 * A region's disclosure log and checkpoint witness on a real subgraph server: what the
 * region handed out, to whom, under which audit id; fail closed; and the witnessed
 * checkpoints catching a gateway log re-made and re-signed with the gateway's own key.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chain } from '../../common/log/chain.ts';
import { signCheckpoint } from '../../common/log/checkpoint.ts';
import { loadOrCreateAuditKeys, publicKeyPath } from '../../common/log/keys.ts';
import { HttpWitness } from '../../common/log/witness.ts';
import { openAuditServices } from '../../gateway/audit/audit-log.ts';
import { verifyFileLog } from '../../gateway/audit/verify-files.ts';
import { listSegments } from '../../common/log/log-files.ts';
import { disclosureLayout } from '../../subgraphs/disclosure/log.ts';
import { regionDisclosure, type RegionDisclosure } from '../../subgraphs/disclosure/index.ts';
import type { RequestGuard } from '../../subgraphs/server.ts';
import { createMemoryAdapter } from '../../subgraphs/testing/memory-adapter.ts';
import { JS_REGION, LI, smallRegion, WITNESS as WITNESS_PERSON, ZHANG } from '../../subgraphs/testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from '../../subgraphs/testing/harness.ts';
import { sampleRecord, tempDir, testConfig, verifyTestLog } from './fixtures.ts';

const temp = tempDir('audit-disclosure');
const dataDir = join(temp.dir, 'data');
let subgraph: TestSubgraph;
let disclosure: RegionDisclosure;

/** Stands in for the internal-token guard: the claims it would have verified, from test headers. */
const claimsGuard: RequestGuard = async (req) => ({
  ok: true,
  context: {
    caller: {
      sub: String(req.headers['x-test-officer']),
      name: 'Officer',
      region: 'GZ',
      roles: ['investigator'],
      scopes: [],
      anonymous: false,
    },
    purpose: { code: 'ASSIST', text: 'assistance request', caseRef: 'GZ:C-2026-000077' },
    gatewayRequestId: String(req.headers['x-test-audit-id']),
  },
});

beforeAll(async () => {
  loadOrCreateAuditKeys(testConfig(temp.dir).keyDir); // the gateway's key, whose public half the region trusts
  disclosure = await regionDisclosure({ region: 'JS', logsDir: dataDir, gatewayAuditKeyFile: publicKeyPath(testConfig(temp.dir).keyDir) });
  subgraph = await startTestSubgraph({
    adapter: createMemoryAdapter(JS_REGION, smallRegion()),
    requestGuard: claimsGuard,
    plugins: disclosure.plugins,
    routes: disclosure.routes,
  });
});

afterAll(async () => {
  await subgraph?.close();
  await disclosure?.close();
  temp.remove();
});

const headers = (officer: string, auditId: string) => ({ 'x-test-officer': officer, 'x-test-audit-id': auditId });
const disclosures = () =>
  listSegments(disclosureLayout(dataDir, 'JS', 'disclosure')).flatMap((segment) =>
    readFileSync(segment.path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  );

describe('regional disclosure log', () => {
  it('records which records went to which officer, under the gateway audit id and purpose', async () => {
    const reply = await subgraph.query(
      'records',
      '{ case(id: "JS:C-2026-000001") { id parties { role person { idNumber } } } }',
      {},
      headers('gz-officer-7', 'gw-audit-1'),
    );
    expect(reply.data?.case.id).toBe('JS:C-2026-000001');
    const entities = await subgraph.query(
      'index',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { regions } } }',
      { r: [{ __typename: 'Person', idNumber: ZHANG }] },
      headers('gz-officer-8', 'gw-audit-2'),
    );
    expect(entities.data?._entities[0].regions).toEqual(['JS']);
    await subgraph.query('records', '{ case(id: "JS:C-2099-000001") { id } }', {}, headers('gz-officer-9', 'gw-audit-3'));

    const entries = disclosures();
    expect(entries).toHaveLength(2); // nothing disclosed by the third query
    expect(entries[0]).toMatchObject({
      type: 'disclosure',
      region: 'JS',
      part: 'records',
      auditId: 'gw-audit-1',
      officer: { sub: 'gz-officer-7', region: 'GZ' },
      purpose: { code: 'ASSIST', caseRef: 'GZ:C-2026-000077' },
      subjects: { cases: ['JS:C-2026-000001'], persons: [ZHANG, LI, WITNESS_PERSON].sort() },
    });
    expect(entries[1]).toMatchObject({ part: 'index', auditId: 'gw-audit-2', subjects: { persons: [ZHANG] } });
    const report = verifyFileLog({ ...disclosureLayout(dataDir, 'JS', 'disclosure'), publicKey: null });
    expect(report).toMatchObject({ ok: true, entries: 2 });
  });

  it("records what an operation disclosed when its @include condition takes the variable's declared default", async () => {
    const reply = await subgraph.query(
      'records',
      'query($v: Boolean = true) { case(id: "JS:C-2026-000001") @include(if: $v) { id } }',
      {},
      headers('gz-officer-7', 'gw-audit-default'),
    );
    expect(reply.status).toBe(200);
    expect(reply.data?.case.id).toBe('JS:C-2026-000001');
    expect(disclosures().find((e) => e.auditId === 'gw-audit-default')).toMatchObject({ subjects: { cases: ['JS:C-2026-000001'] } });
  });

  it('refuses to disclose (AUDIT_UNAVAILABLE, no data) when it cannot record the disclosure', async () => {
    const own = await regionDisclosure({ region: 'HB', logsDir: dataDir, gatewayAuditKeyFile: publicKeyPath(testConfig(temp.dir).keyDir) });
    const server = await startTestSubgraph({
      adapter: createMemoryAdapter({ ...JS_REGION }, smallRegion()),
      requestGuard: claimsGuard,
      plugins: own.plugins,
    });
    try {
      await own.close(); // a closed log refuses every append
      const reply = await server.query('records', '{ case(id: "JS:C-2026-000001") { id } }', {}, headers('gz-officer-7', 'gw-audit-9'));
      expect(reply.status).toBe(503);
      expect(reply.data).toBeUndefined();
      expect(reply.errors?.[0].extensions?.code).toBe('AUDIT_UNAVAILABLE');
    } finally {
      await server.close();
    }
  });

  it("witnesses the gateway's checkpoints and so catches a log re-made with the gateway's own key", async () => {
    const config = testConfig(temp.dir, { checkpointEvery: 5, indexPath: null });
    const gateway = await openAuditServices(config, { witnesses: [new HttpWitness('region JS', subgraph.url)] });
    for (let i = 0; i < 12; i++) await gateway.log.append(sampleRecord(i));
    await gateway.close();
    const witnessFile = join(dataDir, 'JS', 'witness.jsonl');
    expect(readFileSync(witnessFile, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(3);
    expect(verifyTestLog(temp.dir, [witnessFile])).toMatchObject({ ok: true, entries: 12 });

    // The attacker holds the gateway's disk and key: re-make the chain and re-sign checkpoints.
    const keys = loadOrCreateAuditKeys(config.keyDir);
    const segment = join(config.dir, 'audit-000001.jsonl');
    const chain = new Chain();
    const lines = readFileSync(segment, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const { seq: _s, prev: _p, hash: _h, ...body } = JSON.parse(line);
        if (body.auditId === 'req-2') body.officer.sub = 'nobody';
        return chain.link(body).line;
      });
    writeFileSync(segment, `${lines.join('\n')}\n`);
    const forged = signCheckpoint(keys, { instance: config.instance, count: 12, head: chain.head.lineHash, at: new Date().toISOString() });
    writeFileSync(join(config.dir, 'audit-checkpoints.jsonl'), `${JSON.stringify(forged)}\n`);
    expect(verifyTestLog(temp.dir).ok).toBe(true); // the gateway's own files are now consistent…
    const report = verifyTestLog(temp.dir, [witnessFile]);
    expect(report.damage).toMatchObject({ kind: 'rewritten', seq: 5 }); // …but not with what the region witnessed
    await expect(new HttpWitness('region JS', subgraph.url).put(forged)).rejects.toThrow(/409.*re-made/);
  });

  it('serves what it witnessed (GET /audit/checkpoints, per instance) and keeps a stop at an already witnessed head', async () => {
    const config = testConfig(join(temp.dir, 'served'), {
      instance: 'served-gw',
      checkpointEvery: 5,
      indexPath: null,
      keyDir: testConfig(temp.dir).keyDir,
    });
    const gateway = await openAuditServices(config, { witnesses: [new HttpWitness('region JS', subgraph.url)] });
    for (let i = 0; i < 5; i++) await gateway.log.append(sampleRecord(i));
    await gateway.log.checkpoint(); // count 5, then the close checkpoint repeats the head
    await gateway.close();
    const response = await fetch(`${subgraph.url}/audit/checkpoints?instance=served-gw`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { region: string; checkpoints: { instance: string; count: number; event?: string }[] };
    expect(body.region).toBe('JS');
    expect(body.checkpoints.map((c) => [c.instance, c.count, c.event ?? null])).toEqual([
      ['served-gw', 0, 'open'],
      ['served-gw', 5, null],
      ['served-gw', 5, 'close'],
    ]);
    const all = (await (await fetch(`${subgraph.url}/audit/checkpoints`)).json()) as { checkpoints: { instance: string }[] };
    expect(new Set(all.checkpoints.map((c) => c.instance))).toEqual(new Set(['test-gw', 'served-gw'])); // the earlier test's gateway too
  });
});
