/**
 * Subscriptions when something they stand on fails, over real processes: a region's
 * change stream going quiet (its legacy system stopped) is a REGION_UNAVAILABLE event to
 * a duty desk and a watcher, its return REGION_RESTORED and, for the watcher, a CATCH_UP
 * event per watched key showing its state now; an audit log that refuses writes (Redis sink,
 * Redis refusing) ends the stream with AUDIT_UNAVAILABLE and pushes nothing unaudited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { normaliseIdNumber } from '../../common/normalise/index.ts';
import { JS_DB_PATH } from '../../standins/js/schema.ts';
import { GZ_DB_FILE, GZ_DIR } from '../../standins/gz/schema.ts';
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
  it("tells a duty desk and a watcher when a region's change stream goes down and returns; the watcher is caught up", async (ctx) => {
    if (!system) return ctx.skip(redisMissingMessage);
    const gz = new Database(join(dataDir!, GZ_DIR, GZ_DB_FILE), { readonly: true });
    const gzIdNumber = normaliseIdNumber((gz.prepare('SELECT sfzh FROM tongji ORDER BY tjbh LIMIT 1').get() as { sfzh: string }).sfzh);
    gz.close();
    const watcher = await wsSubscribe(
      system.gatewayUrl,
      'subscription W($ids: [String!]) { watch(idNumbers: $ids) { id kind region idNumber detail person { idNumber wanted } } }',
      { ids: [gzIdNumber] },
      { as: PATROL, keysDir: system.keysDir },
    );
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
      await waitFor(async () => (await liveGauge(system!.gatewayUrl)) >= 2);
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
      // The watcher: told, then caught up on its key with the state now — resolved and audited like any event.
      await watcher.next((r) => r.data?.watch?.kind === 'REGION_UNAVAILABLE' && r.data.watch.region === 'GZ');
      const restored = await watcher.next((r) => r.data?.watch?.kind === 'REGION_RESTORED' && r.data.watch.region === 'GZ', 30_000);
      const caughtUp = await watcher.next((r) => r.data?.watch?.kind === 'CATCH_UP', 10_000);
      expect(caughtUp.data.watch).toMatchObject({ region: 'GZ', idNumber: gzIdNumber, person: { idNumber: gzIdNumber } });
      expect(typeof caughtUp.data.watch.person.wanted).toBe('boolean');
      expect(caughtUp.data.watch.id).toBe(restored.data.watch.id);
      expect(caughtUp.extensions?.auditId).toEqual(expect.any(String));
      expect(watcher.received.indexOf(caughtUp)).toBeGreaterThan(watcher.received.indexOf(restored));
      // A duty desk follows new notices, not keys: it gets REGION_RESTORED and no catch-up.
      expect(desk.received.some((r) => r.data?.alerts?.kind === 'CATCH_UP')).toBe(false);
    } finally {
      desk.close();
      watcher.close();
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
