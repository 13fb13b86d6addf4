/**
 * `npm run audit -- verify`: exit 0 and counts when intact, exit 1 naming the damage, exit 2
 * on misuse, exit 3 when no witness could be consulted. Every tampering case is run with
 * plain `verify` (the witnesses found through the registry in $LIANDONG_REGIONS, as an
 * operator's scheduled run would), never with a flag that tells it where to look.
 *
 * The witness is a real regional subgraph server on 127.0.0.1 (memory adapter, the real
 * disclosure routes) that the gateway's log offers its checkpoints to over HTTP.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../common/log/canonical.ts';
import { Chain } from '../../common/log/chain.ts';
import { loadOrCreateAuditKeys, publicKeyPath } from '../../common/log/keys.ts';
import { AuditRecorder } from '../../gateway/audit/recorder.ts';
import { HttpWitness } from '../../common/log/witness.ts';
import { regionDisclosure, type RegionDisclosure } from '../../subgraphs/disclosure/index.ts';
import { createMemoryAdapter } from '../../subgraphs/testing/memory-adapter.ts';
import { JS_REGION, smallRegion } from '../../subgraphs/testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from '../../subgraphs/testing/harness.ts';
import { deadUrl, writeJson } from '../support/gateway.ts';
import { openTestAudit, sampleFacts, sampleRecord, tempDir, testConfig } from './fixtures.ts';

const temp = tempDir('audit-cli');
const dataDir = join(temp.dir, 'data');
const keyDir = testConfig(temp.dir).keyDir;
const key = publicKeyPath(keyDir);
const regionsFile = join(temp.dir, 'regions.json');
let subgraph: TestSubgraph;
let disclosure: RegionDisclosure;

beforeAll(async () => {
  loadOrCreateAuditKeys(keyDir);
  disclosure = await regionDisclosure({ region: 'JS', logsDir: dataDir, gatewayAuditKeyFile: key });
  subgraph = await startTestSubgraph({ adapter: createMemoryAdapter(JS_REGION, smallRegion()), routes: disclosure.routes });
  writeJson(regionsFile, { regions: [{ code: 'JS', name: 'JS', url: subgraph.url }] });
});

afterAll(async () => {
  await subgraph?.close();
  await disclosure?.close();
  temp.remove();
});

/**
 * Plain verify, as scheduled: the region registry and data directory come from the
 * environment. Asynchronous: the witness answers from this process's event loop.
 */
function audit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/audit.ts', ...args], {
    env: { ...process.env, LIANDONG_REGIONS: regionsFile, LIANDONG_DATA: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

const verify = (dir: string, env?: Record<string, string>) => audit(['verify', '--log', dir, '--key', key], env);

let instances = 0;

/** A gateway audit log of `count` records, its checkpoints witnessed by region JS; closed cleanly. */
async function writeLog(
  count: number,
  checkpointEvery = 10,
): Promise<{ dir: string; segment: string; checkpoints: string; operations: string; instance: string }> {
  const instance = `cli-gw-${++instances}`;
  const root = join(temp.dir, instance);
  const audit = await openTestAudit(
    root,
    { instance, keyDir, checkpointEvery, indexPath: null },
    { witnesses: [new HttpWitness('region JS', subgraph.url)] },
  );
  const recorder = new AuditRecorder(audit.log, audit.operations);
  for (let i = 0; i < count; i++) {
    // Two distinct query texts, stored once each under their hash.
    await recorder.record(sampleFacts(i, `query Q${i % 2} { regions { code } }`));
  }
  await audit.close();
  const dir = join(root, 'audit');
  return {
    dir,
    segment: join(dir, 'audit-000001.jsonl'),
    checkpoints: join(dir, 'audit-checkpoints.jsonl'),
    operations: join(dir, 'audit-operations.jsonl'),
    instance,
  };
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const rewrite = (path: string, kept: string[]) => writeFileSync(path, kept.length ? `${kept.join('\n')}\n` : '');

/** Chained entries anyone can write: the chain needs no key. */
function forge(after: string, n: number, from = 0): string[] {
  const last = JSON.parse(after);
  const chain = new Chain({ seq: last.seq, lineHash: sha256Hex(after) });
  return Array.from({ length: n }, (_, i) => {
    const { seq: _s, prev: _p, hash: _h, ...body } = last;
    return chain.link({ ...body, auditId: `forged-${from + i}` }).line;
  });
}

describe('npm run audit -- verify', () => {
  it('reports an intact log with its witness, then names a removed record, and refuses bad usage', async () => {
    const log = await writeLog(10);
    const intact = await verify(log.dir);
    expect(intact.out).toContain('INTACT');
    expect(intact.code).toBe(0);
    expect(intact.out).toContain('10 entries (10 audit)');
    expect(intact.out).toMatch(
      /witness region JS http:\/\/127\.0\.0\.1:\d+\/audit\/checkpoints\?instance=cli-gw-\d+: \d+ checkpoint\(s\), up to count 10/,
    );
    expect(intact.out).toContain('2 stored operation text(s) checked');

    const kept = lines(log.segment);
    rewrite(log.segment, [...kept.slice(0, 3), ...kept.slice(4)]);
    const broken = await audit(['verify', '--log', log.segment, '--key', key]);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('FIRST DAMAGE: removed at audit-000001.jsonl line 4 (seq 5)');

    expect((await audit(['verify', '--redis', 'redis://127.0.0.1:9'])).code).toBe(2);
    expect((await audit(['frobnicate'])).out).toContain('unknown command "frobnicate"');
    expect((await audit(['verify', '--no-witnesses', '--witness', 'x'])).code).toBe(2);
  });

  it('catches the log and its later checkpoints cut back together', async () => {
    const log = await writeLog(30);
    rewrite(log.segment, lines(log.segment).slice(0, 15));
    rewrite(
      log.checkpoints,
      lines(log.checkpoints).filter((l) => JSON.parse(l).count <= 15),
    );
    const result = await verify(log.dir);
    expect(result.out).toContain('BROKEN');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FIRST DAMAGE: truncated at audit-000001\.jsonl line 16 \(seq 16\)/);
    expect(result.out).toMatch(/log ends at seq 15 but checkpoint region JS http:\S+ \(.*\) signed 30 entries/);
  });

  it('catches a deleted or emptied checkpoint file', async () => {
    const log = await writeLog(12);
    rmSync(log.checkpoints);
    const deleted = await verify(log.dir);
    expect(deleted.code).toBe(1);
    expect(deleted.out).toMatch(/FIRST DAMAGE: checkpoint-missing at audit-checkpoints\.jsonl line 1/);
    expect(deleted.out).toMatch(/audit-checkpoints\.jsonl is missing or empty, but witness region JS .* holds checkpoint count 0 \(open\)/);

    writeFileSync(log.checkpoints, '');
    const emptied = await verify(log.dir);
    expect(emptied.code).toBe(1);
    expect(emptied.out).toContain('FIRST DAMAGE: checkpoint-missing');

    // Without any witness, the log's own files still show that its checkpoints are gone.
    const alone = await verify(log.dir, { LIANDONG_REGIONS: join(temp.dir, 'none.json') });
    expect(alone.code).toBe(1);
    expect(alone.out).toMatch(/audit-checkpoints\.jsonl holds no signed checkpoint of instance cli-gw-\d+, yet the log holds 12 entries/);
  });

  it('catches a checkpoint removed from the middle of the checkpoint file', async () => {
    const log = await writeLog(30);
    const kept = lines(log.checkpoints);
    rewrite(
      log.checkpoints,
      kept.filter((l) => JSON.parse(l).count !== 20),
    );
    const result = await verify(log.dir);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FIRST DAMAGE: checkpoint-missing .*\n.*holds checkpoint count 20 of/);
  });

  it('catches a forged record appended after the last checkpoint, and a forged segment', async () => {
    const log = await writeLog(12);
    const original = lines(log.segment);
    appendFileSync(log.segment, `${forge(original.at(-1)!, 1).join('\n')}\n`);
    const appended = await verify(log.dir);
    expect(appended.code).toBe(1);
    expect(appended.out).toContain('FIRST DAMAGE: appended at audit-000001.jsonl line 13 (seq 13)');
    expect(appended.out).toMatch(/seq 13–13 \(1 entry\) follow the writer's shutdown checkpoint/);

    rewrite(log.segment, original);
    writeFileSync(join(log.dir, 'audit-000002.jsonl'), `${forge(original.at(-1)!, 3).join('\n')}\n`);
    const segment = await verify(log.dir);
    expect(segment.code).toBe(1);
    expect(segment.out).toContain('FIRST DAMAGE: appended at audit-000002.jsonl line 1 (seq 13)');
  });

  it('catches more unsigned entries than the writer ever leaves (no clean shutdown to point at)', async () => {
    const log = await writeLog(12, 10);
    // The intruder also takes the shutdown checkpoint away, and no witness is reachable:
    // only the cadence the writer signed in its `open` checkpoint is left to go by.
    const original = lines(log.segment);
    const forged = forge(original.at(-1)!, 10 + 1024);
    appendFileSync(log.segment, `${forged.join('\n')}\n`);
    rewrite(
      log.checkpoints,
      lines(log.checkpoints).filter((l) => JSON.parse(l).event !== 'close'),
    );
    const result = await verify(log.dir, { LIANDONG_REGIONS: join(temp.dir, 'none.json') });
    expect(result.code).toBe(1);
    expect(result.out).toContain('FIRST DAMAGE: appended at audit-000001.jsonl line 11 (seq 11)');
    expect(result.out).toMatch(/seq 11–1046 \(1036 entries\) follow checkpoint .* at most 1033 can be unsigned/);
  });

  it('catches an edited or removed stored query text', async () => {
    const log = await writeLog(6);
    const texts = lines(log.operations);
    expect(texts).toHaveLength(2);
    const edited = JSON.parse(texts[1]);
    edited.text = edited.text.replace('code', 'name');
    rewrite(log.operations, [texts[0], JSON.stringify(edited)]);
    const result = await verify(log.dir);
    expect(result.code).toBe(1);
    expect(result.out).toContain('FIRST DAMAGE: operation-text at audit-operations.jsonl line 2');
    expect(result.out).toContain('stored query text no longer hashes to its key');

    rewrite(log.operations, [texts[0]]);
    const removed = await verify(log.dir);
    expect(removed.code).toBe(1);
    expect(removed.out).toMatch(/FIRST DAMAGE: operation-text at audit-000001\.jsonl line 2 \(seq 2\)/);
    expect(removed.out).toContain('holds no text for it');
  });

  it('says UNWITNESSED (exit 3) when no witness answers, and checks locally only when told to', async () => {
    const log = await writeLog(5);
    const deadRegions = join(temp.dir, 'dead-regions.json');
    writeJson(deadRegions, { regions: [{ code: 'JS', name: 'JS', url: await deadUrl() }] });
    const unwitnessed = await verify(log.dir, { LIANDONG_REGIONS: deadRegions, LIANDONG_DATA: join(temp.dir, 'no-data') });
    expect(unwitnessed.code).toBe(3);
    expect(unwitnessed.out).toContain('UNWITNESSED');
    expect(unwitnessed.out).toMatch(
      /witness region JS NOT CONSULTED: http:\/\/127\.0\.0\.1:\d+\/audit\/checkpoints\?instance=cli-gw-\d+ did not answer/,
    );

    // The region's own witness log on this machine stands in for a region that does not answer.
    const fromFile = await verify(log.dir, { LIANDONG_REGIONS: deadRegions });
    expect(fromFile.code).toBe(0);
    expect(fromFile.out).toMatch(/did not answer .*; read .*JS\/witness\.jsonl instead/);

    // A region that answers but never witnessed this instance protects nothing either.
    const unoffered = await openTestAudit(join(temp.dir, 'unoffered'), { instance: 'cli-gw-unoffered', keyDir, indexPath: null });
    await unoffered.log.append(sampleRecord(1));
    await unoffered.close();
    const empty = await verify(join(temp.dir, 'unoffered', 'audit'));
    expect(empty.code).toBe(3);
    expect(empty.out).toContain('the witnesses consulted hold no checkpoint of instance cli-gw-unoffered');

    const local = await audit(['verify', '--log', log.dir, '--key', key, '--no-witnesses'], { LIANDONG_REGIONS: deadRegions });
    expect(local.code).toBe(0);
    expect(local.out).toContain("witnesses not consulted: checked against the log's own checkpoints only");
  });
});
