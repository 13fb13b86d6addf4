/**
 * The Redis Streams sink on a real redis-server: N concurrent appends → N stream
 * entries in one chain per instance, verify passes, tampering and a cut are caught, and
 * a sink failure refuses the append.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditServices } from '../../gateway/audit/audit-log.ts';
import { AuditUnavailableError } from '../../common/log/errors.ts';
import { loadPublicKey, publicKeyPath } from '../../common/log/keys.ts';
import { streamKeys, type RedisClient } from '../../gateway/audit/redis-sink.ts';
import { verifyRedisLog } from '../../gateway/audit/verify-redis.ts';
import { redisMissingMessage, startRedis, type RedisHandle } from '../support/redis.ts';
import { sha256Hex } from '../../common/log/canonical.ts';
import { Chain } from '../../common/log/chain.ts';
import { loadOrCreateAuditKeys } from '../../common/log/keys.ts';
import { operationsKey } from '../../gateway/audit/redis-operations.ts';
import { AuditRecorder } from '../../gateway/audit/recorder.ts';
import { HttpWitness } from '../../common/log/witness.ts';
import { consultNamedWitness } from '../../gateway/audit/witness-sources.ts';
import { regionDisclosure } from '../../subgraphs/disclosure/index.ts';
import { JS_REGION, smallRegion } from '../../subgraphs/testing/fixtures.ts';
import { startTestSubgraph } from '../../subgraphs/testing/harness.ts';
import { createMemoryAdapter } from '../../subgraphs/testing/memory-adapter.ts';
import { sampleFacts, sampleRecord, tempDir, testConfig } from './fixtures.ts';

let redis: RedisHandle | null = null;
let client: RedisClient;
const temp = tempDir('audit-redis');

beforeAll(async () => {
  redis = await startRedis();
  if (!redis) return;
  client = createClient({ url: redis.url });
  await client.connect();
});

afterAll(async () => {
  if (client?.isOpen) await client.quit();
  await redis?.stop();
  temp.remove();
});

function config(instance: string) {
  return testConfig(temp.dir, { sink: 'redis', redisUrl: redis!.url, instance, indexPath: null, checkpointEvery: 20 });
}

function verify(instance: string) {
  return verifyRedisLog({ client, instance, publicKey: loadPublicKey(publicKeyPath(config(instance).keyDir)) });
}

describe('Redis Streams audit sink', () => {
  it('keeps one chain per instance: N concurrent appends → N entries, verify passes', async (ctx) => {
    if (!redis) ctx.skip(redisMissingMessage);
    const [a, b] = await Promise.all([openAuditServices(config('gw-a')), openAuditServices(config('gw-b'))]);
    await Promise.all([
      ...Array.from({ length: 200 }, (_, i) => a.log.append(sampleRecord(i))),
      ...Array.from({ length: 50 }, (_, i) => b.log.append(sampleRecord(1000 + i))),
    ]);
    await Promise.all([a.close(), b.close()]);
    expect(await client.xLen(streamKeys('gw-a').entries)).toBe(200);
    expect(await client.xLen(streamKeys('gw-b').entries)).toBe(50);
    expect(await verify('gw-a')).toMatchObject({ ok: true, entries: 200 });
    expect(await verify('gw-b')).toMatchObject({ ok: true, entries: 50 });

    const reopened = await openAuditServices(config('gw-a'));
    await reopened.log.append(sampleRecord(9999));
    await reopened.close();
    expect(await verify('gw-a')).toMatchObject({ ok: true, entries: 201, lastSeq: 201 });
  });

  it('catches an edited entry and a deleted tail', async (ctx) => {
    if (!redis) ctx.skip(redisMissingMessage);
    const audit = await openAuditServices(config('gw-c'));
    await Promise.all(Array.from({ length: 30 }, (_, i) => audit.log.append(sampleRecord(i))));
    await audit.close();
    const key = streamKeys('gw-c').entries;
    const entries = (await client.xRange(key, '-', '+'))!;
    await client.xDel(
      key,
      entries.slice(-3).map((e) => e.id),
    );
    expect(await verify('gw-c')).toMatchObject({ ok: false, damage: { kind: 'truncated', seq: 28 } });
    // Streams cannot be edited in place: re-create it with entry 5 changed.
    await client.del(key);
    for (const [i, entry] of entries.entries()) {
      const line = String(entry.message.line);
      await client.xAdd(key, '*', { line: i === 4 ? line.replace('officer-1', 'officer-2') : line });
    }
    expect(await verify('gw-c')).toMatchObject({ ok: false, damage: { kind: 'edited', seq: 5 } });
  });

  it('refuses appends (AUDIT_UNAVAILABLE) when Redis refuses writes', async (ctx) => {
    if (!redis) ctx.skip(redisMissingMessage);
    const audit = await openAuditServices(config('gw-d'));
    await audit.log.append(sampleRecord(1));
    await client.configSet('min-replicas-to-write', '1'); // no replicas: Redis now refuses every write
    try {
      await expect(audit.log.append(sampleRecord(2))).rejects.toBeInstanceOf(AuditUnavailableError);
    } finally {
      await client.configSet('min-replicas-to-write', '0');
    }
    await audit.log.append(sampleRecord(3));
    await audit.close();
    expect(await verify('gw-d')).toMatchObject({ ok: true, entries: 2 });
  });

  it('checks a stream as it checks files: witnesses, a forged appended entry, query texts', async (ctx) => {
    if (!redis) ctx.skip(redisMissingMessage);
    const keyFile = publicKeyPath(config('gw-e').keyDir);
    loadOrCreateAuditKeys(config('gw-e').keyDir);
    const disclosure = await regionDisclosure({ region: 'JS', logsDir: temp.dir, gatewayAuditKeyFile: keyFile });
    const region = await startTestSubgraph({ adapter: createMemoryAdapter(JS_REGION, smallRegion()), routes: disclosure.routes });
    try {
      const audit = await openAuditServices(config('gw-e'), { witnesses: [new HttpWitness('region JS', region.url)] });
      const recorder = new AuditRecorder(audit.log, audit.operations);
      for (let i = 0; i < 25; i++) {
        await recorder.record(sampleFacts(i, `query Q${i % 3} { regions { code } }`));
      }
      await audit.close();
      const witnessed = () => consultNamedWitness(region.url, 'gw-e');
      const check = async () =>
        verifyRedisLog({ client, instance: 'gw-e', publicKey: loadPublicKey(keyFile), witnesses: [await witnessed()] });
      expect(await check()).toMatchObject({ ok: true, entries: 25, operationTexts: 3 });

      // A forged entry after the shutdown checkpoint.
      const { entries, checkpoints } = streamKeys('gw-e');
      const last = String((await client.xRevRange(entries, '+', '-', { COUNT: 1 }))![0].message.line);
      const { seq: _s, prev: _p, hash: _h, ...body } = JSON.parse(last);
      const forged = new Chain({ seq: JSON.parse(last).seq, lineHash: sha256Hex(last) }).link({ ...body, auditId: 'forged' });
      const forgedId = await client.xAdd(entries, '*', { line: forged.line });
      expect(await check()).toMatchObject({ ok: false, damage: { kind: 'appended', seq: 26 } });
      await client.xDel(entries, forgedId);

      // An edited query text.
      const [hash, text] = Object.entries(await client.hGetAll(operationsKey()))[0];
      await client.hSet(operationsKey(), hash, text.replace('code', 'name'));
      expect(await check()).toMatchObject({ ok: false, damage: { kind: 'operation-text' } });
      await client.hSet(operationsKey(), hash, text);

      // The checkpoint stream deleted: the region still holds what it witnessed.
      await client.del(checkpoints);
      expect(await check()).toMatchObject({ ok: false, damage: { kind: 'checkpoint-missing' } });
    } finally {
      await region.close();
      await disclosure.close();
    }
  });
});
