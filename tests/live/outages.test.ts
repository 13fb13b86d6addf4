/**
 * Subscriptions when something they stand on fails, over real processes: a region's
 * change stream going quiet (its legacy system stopped) is a REGION_UNAVAILABLE event to
 * a duty desk, its return REGION_RESTORED; an audit log that refuses writes (Redis sink,
 * Redis refusing) ends the stream with AUDIT_UNAVAILABLE and pushes nothing unaudited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { normaliseIdNumber } from '../../common/normalise/index.ts';
import { JS_DB_PATH } from '../../standins/js/schema.ts';
import { issueJsNotice, liveGauge, sseSubscribe, waitFor, wsSubscribe } from '../support/live.ts';
import { redisMissingMessage, startRedis, type RedisHandle } from '../support/redis.ts';
import { seedData, startSystem, type Officer, type System } from '../support/system.ts';

const PATROL: Officer = { roles: ['patrol-officer'], region: 'JS' };
let redis: RedisHandle | null = null;
let system: System | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  redis = await startRedis();
  if (!redis) return;
  dataDir = await seedData();
  system = await startSystem({ dataDir, gatewayEnv: { AUDIT_SINK: 'redis', AUDIT_REDIS_URL: redis.url } });
});

afterAll(async () => {
  await system?.stop();
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('outages', () => {
  it("tells a duty desk when a region's change stream goes down and when it returns", async (ctx) => {
    if (!system) return ctx.skip(redisMissingMessage);
    const desk = await sseSubscribe(
      system.gatewayUrl,
      'subscription { alerts(regions: ["GZ"]) { id kind region detail } }',
      {},
      {
        as: { roles: ['investigator'], region: 'GZ' },
        keysDir: system.keysDir,
      },
    );
    try {
      await waitFor(async () => (await liveGauge(system!.gatewayUrl)) >= 1);
      await system.standins.GZ.stop();
      try {
        const down = await desk.next((r) => r.data?.alerts?.kind === 'REGION_UNAVAILABLE', 30_000);
        expect(down.data.alerts.region).toBe('GZ');
        expect(down.data.alerts.detail).toMatch(/GZ's change stream is down/);
        expect(down.extensions?.auditId).toEqual(expect.any(String));
      } finally {
        await system.standins.GZ.start();
      }
      const back = await desk.next((r) => r.data?.alerts?.kind === 'REGION_RESTORED', 30_000);
      expect(back.data.alerts.region).toBe('GZ');
    } finally {
      desk.close();
    }
  });

  it('ends the stream with AUDIT_UNAVAILABLE when the audit log refuses the event, pushing nothing unaudited', async (ctx) => {
    if (!system || !redis) return ctx.skip(redisMissingMessage);
    const db = new Database(join(dataDir!, JS_DB_PATH), { readonly: true });
    const idNumber = normaliseIdNumber((db.prepare('SELECT id_no FROM t_wanted LIMIT 1').get() as { id_no: string }).id_no);
    db.close();
    const sub = await wsSubscribe(
      system.gatewayUrl,
      'subscription W($ids: [String!]) { watch(idNumbers: $ids) { recordId person { wanted } } }',
      { ids: [idNumber] },
      { as: PATROL, keysDir: system.keysDir },
    );
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      await waitFor(async () => (await liveGauge(system!.gatewayUrl)) >= 1);
      await client.configSet('min-replicas-to-write', '1'); // no replicas: Redis now refuses every write
      issueJsNotice(dataDir!, 'W-LIVE-AUDIT', idNumber);
      const last = await sub.next((r) => r.errors?.[0]?.extensions?.code === 'AUDIT_UNAVAILABLE', 15_000);
      expect(last.data).toBeUndefined();
      await sub.ended();
      expect(sub.received.some((r) => r.data?.watch)).toBe(false);
      // Nor is a new subscription opened without its record.
      const refused = await wsSubscribe(system.gatewayUrl, 'subscription { alerts { id } }', {}, { as: PATROL, keysDir: system.keysDir });
      await refused.ended();
      expect(JSON.stringify(refused.error)).toContain('AUDIT_UNAVAILABLE');
    } finally {
      await client.configSet('min-replicas-to-write', '0');
      await client.quit();
      sub.close();
    }
  });
});
