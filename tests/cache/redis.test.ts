/**
 * The Redis store and Redis pub/sub change events, over the whole system with two
 * gateway processes sharing one real `redis-server`: entries are shared, both gateways
 * see an invalidation published by the region, a Redis crash costs only cache hits,
 * and caching resumes once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, type TestProcess } from '../support/processes.ts';
import { redisAvailable, redisMissingMessage } from '../support/redis.ts';
import { seedData, startSystem, type System } from '../support/system.ts';
import { startRestartableRedis, type RestartableRedis } from './redis-server.ts';
import { PERSON_NAMES, RECORD_NAME, postJson, queryGateway, settled, totalRequests, within, CHANGE_VISIBLE_WITHIN_MS } from './support.ts';

const hasRedis = redisAvailable();
if (!hasRedis) console.warn(redisMissingMessage);

describe.skipIf(!hasRedis)('cache on a shared Redis', () => {
  let redis: RestartableRedis;
  let system: System;
  let second: TestProcess;
  let dataDir: string;
  const gateways: string[] = [];
  const ask = (gateway: number, query: string, variables: Record<string, unknown>) =>
    queryGateway(gateways[gateway], join(system.configDir, 'keys'), query, variables);

  const savedRedisUrl = process.env.REDIS_URL;

  beforeAll(async () => {
    redis = await startRestartableRedis();
    dataDir = await seedData();
    // The subgraph processes inherit it: they publish their change events on Redis too.
    process.env.REDIS_URL = redis.url;
    system = await startSystem({
      dataDir,
      gatewayConfig: { cache: { store: 'redis', redisUrl: redis.url, changes: 'redis', redisTimeoutMs: 200 } },
    });
    second = await startProcess({
      name: 'gateway 2',
      file: 'gateway/main.ts',
      // --port 0: the system's gateway holds the port its config names.
      args: ['--config', join(system.configDir, 'gateway.json'), '--port', '0'],
      // Its own audit chain: two writers may not share one.
      env: {
        LIANDONG_KEYS_DIR: join(system.configDir, 'keys'),
        AUDIT_DIR: join(system.configDir, 'audit-2'),
        AUDIT_INSTANCE: 'gateway-2',
        LOG_LEVEL: 'info',
      },
    });
    gateways.push(system.gatewayUrl, second.url!);
    await settled(system, (query, variables) => ask(0, query, variables));
    await settled(system, (query, variables) => ask(1, query, variables));
  });

  afterAll(async () => {
    if (savedRedisUrl === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = savedRedisUrl;
    await second?.stop();
    await system?.stop();
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves one gateway from the entries the other stored', async () => {
    const { idNumber } = system.scenarios.personInAllRegions;
    // A replica that (re)connects to a region's change stream drops that region's shared
    // entries (it cannot know what it missed), so sharing is asserted once both follow.
    const shared = await within(5000, async () => {
      const first = await ask(0, PERSON_NAMES, { id: idNumber });
      expect(first.errors).toBeUndefined();
      system.resetCounts();
      const other = await ask(1, PERSON_NAMES, { id: idNumber });
      expect(other.data).toEqual(first.data);
      return totalRequests(system) === 0;
    });
    expect(shared, 'the second gateway never answered from the entries the first stored').not.toBeNull();
  });

  it('shows a GZ change, published on Redis, through both gateways within a second', async () => {
    const id = system.scenarios.personInAllRegions.recordIds.GZ;
    const before = await ask(0, RECORD_NAME, { id });
    await ask(1, RECORD_NAME, { id });
    const renamed = `${before.data.personRecord.name}變`;
    await postJson(`${system.standins.GZ.url}/admin/update`, { bm: 'renkou', jlbh: id.slice('GZ:'.length), sz: { xm: renamed } });
    for (const gateway of [0, 1]) {
      const took = await within(
        CHANGE_VISIBLE_WITHIN_MS,
        async () => (await ask(gateway, RECORD_NAME, { id })).data.personRecord.name === renamed,
      );
      expect(took, `gateway ${gateway + 1} did not serve the new name in time`).not.toBeNull();
    }
  });

  it('answers every query while Redis is down, and caches again once it is back', async () => {
    const idNumber = system.scenarios.crossRegionCase.suspectIdNumber;
    const expected = await ask(0, PERSON_NAMES, { id: idNumber });
    await redis.kill();
    for (const gateway of [0, 1, 0, 1]) {
      const answer = await ask(gateway, PERSON_NAMES, { id: idNumber });
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(expected.data);
    }
    await redis.start();
    const resumed = await within(10_000, async () => {
      await ask(1, PERSON_NAMES, { id: idNumber });
      system.resetCounts();
      await ask(0, PERSON_NAMES, { id: idNumber });
      return totalRequests(system) === 0;
    });
    expect(resumed, 'caching did not resume after Redis came back').not.toBeNull();
  });
});
