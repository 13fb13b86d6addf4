/**
 * The shared per-officer rate limit and bulk-lookup counts against a real redis-server:
 * two "replicas" (each its own connection and per-process fallback) draw on one bucket and
 * one window, atomically, with keys that expire; when Redis is down or too slow each
 * decides alone, says so (log, metrics), and shares again once Redis answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { LimitsMetrics } from '../../gateway/limits/metrics.ts';
import { bulkKeys, MAX_VIEWS_FACTOR, SharedBulkLookup } from '../../gateway/limits/shared-bulk-lookup.ts';
import { SharedCounters } from '../../gateway/limits/shared-counters.ts';
import { rateBucketKey, SharedRateLimiter } from '../../gateway/limits/shared-rate-limit.ts';
import type { BulkLookupAlert } from '../../gateway/limits/bulk-lookup.ts';
import { startRestartableRedis, type RestartableRedis } from '../cache/redis-server.ts';
import { redisAvailable, redisMissingMessage } from '../support/redis.ts';

const hasRedis = redisAvailable();
if (!hasRedis) console.warn(redisMissingMessage);

interface Replica {
  counters: SharedCounters;
  metrics: LimitsMetrics;
  warnings: string[];
}

describe.skipIf(!hasRedis)('limits shared through Redis', () => {
  let redis: RestartableRedis;
  let admin: ReturnType<typeof createClient>;
  const replicas: Replica[] = [];
  let officer = 0;
  const nextOfficer = () => `sub:TEST-${++officer}`;

  async function replica(timeoutMs = 200): Promise<Replica> {
    const metrics = new LimitsMetrics();
    const warnings: string[] = [];
    const counters = new SharedCounters({
      url: redis.url,
      timeoutMs,
      metrics,
      logger: { warn: (_o, message) => warnings.push(message), info: () => {} },
    });
    const made = { counters, metrics, warnings };
    replicas.push(made);
    await waitFor(async () => (await metrics.sharedUp.get()).values[0]?.value === 1, 'the replica never connected to Redis');
    return made;
  }

  beforeAll(async () => {
    redis = await startRestartableRedis();
    admin = createClient({ url: redis.url });
    admin.on('error', () => {
      /* the test kills Redis on purpose; the client reconnects */
    });
    await admin.connect();
  });

  afterAll(async () => {
    for (const r of replicas) await r.counters.close();
    admin?.destroy();
    await redis?.stop();
  });

  describe('rate limit', () => {
    it('spends one bucket from both replicas, refills it by the clock, and lets it expire', async () => {
      const [a, b] = [await replica(), await replica()];
      const config = { burst: 3, perSecond: 1 };
      const [ra, rb] = [new SharedRateLimiter(config, a.counters), new SharedRateLimiter(config, b.counters)];
      const caller = nextOfficer();
      const t0 = 1_000_000;
      expect(await ra.take(caller, t0)).toEqual({ allowed: true });
      expect(await rb.take(caller, t0)).toEqual({ allowed: true });
      expect(await ra.take(caller, t0)).toEqual({ allowed: true });
      expect(await rb.take(caller, t0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
      expect(await ra.take(nextOfficer(), t0)).toEqual({ allowed: true });
      expect(await rb.take(caller, t0 + 1000)).toEqual({ allowed: true });
      expect(await ra.take(caller, t0 + 1000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
      // A bucket is full again after burst ÷ perSecond = 3 s; it is kept no longer (plus 1 s).
      const ttl = await admin.pTTL(rateBucketKey(caller));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(4000);
      expect(a.warnings).toEqual([]);
    });

    it('never hands out more than the burst to simultaneous requests on two replicas', async () => {
      const [a, b] = [await replica(), await replica()];
      const config = { burst: 10, perSecond: 1 };
      const limiters = [new SharedRateLimiter(config, a.counters), new SharedRateLimiter(config, b.counters)];
      const caller = nextOfficer();
      const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => limiters[i % 2].take(caller)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    });
  });

  describe('bulk lookups', () => {
    it('counts distinct persons across replicas, blocks past the threshold, and alerts once', async () => {
      const [a, b] = [await replica(), await replica()];
      const config = { threshold: 3, windowSeconds: 60, block: true };
      const monitors = [new SharedBulkLookup(config, a.counters), new SharedBulkLookup(config, b.counters)];
      const alerts: BulkLookupAlert[] = [];
      for (const m of monitors) m.on('alert', (alert) => alerts.push(alert));
      const caller = nextOfficer();
      const t0 = 5_000_000;
      expect(await monitors[0].record(caller, ['1', '2', '1'], t0)).toEqual({ allowed: true, distinct: 2 });
      expect(await monitors[1].record(caller, ['2', '3'], t0 + 1)).toEqual({ allowed: true, distinct: 3 });
      expect(await monitors[0].record(caller, ['4'], t0 + 2)).toEqual({
        allowed: false,
        distinct: 3,
        wouldBe: 4,
        threshold: 3,
        windowSeconds: 60,
      });
      expect(await monitors[1].record(caller, ['5'], t0 + 3)).toMatchObject({ allowed: false, wouldBe: 4 });
      // Persons already viewed stay viewable, on either replica.
      expect(await monitors[1].record(caller, ['1'], t0 + 4)).toEqual({ allowed: true, distinct: 3 });
      expect(alerts.map((x) => [x.caller, x.distinctPersons, x.blocked])).toEqual([[caller, 4, true]]);
      // '2' and '3' were viewed at t0 + 1 and '1' at t0 + 4; one window later only '1' counts.
      expect(await monitors[0].record(caller, ['4', '5'], t0 + 60_002)).toEqual({ allowed: true, distinct: 3 });
      const [viewed, alerted] = bulkKeys(caller);
      expect(await admin.zCard(viewed)).toBe(3);
      expect(await admin.exists(alerted)).toBe(0);
      expect(await admin.pTTL(viewed)).toBeLessThanOrEqual(60_000);
    });

    it('keeps an officer far over the threshold to a bounded set', async () => {
      const a = await replica();
      const monitor = new SharedBulkLookup({ threshold: 2, windowSeconds: 60, block: false }, a.counters);
      const alerts: BulkLookupAlert[] = [];
      monitor.on('alert', (alert) => alerts.push(alert));
      const caller = nextOfficer();
      for (let i = 0; i < 5; i++)
        await monitor.record(
          caller,
          Array.from({ length: 20 }, (_, j) => `${i}-${j}`),
        );
      expect(await admin.zCard(bulkKeys(caller)[0])).toBe(2 * MAX_VIEWS_FACTOR);
      expect(alerts).toHaveLength(1);
    });
  });

  describe('when Redis cannot answer', () => {
    it('decides with the per-process counts while Redis is too slow, and counts each fallback', async () => {
      const a = await replica(100);
      const limiter = new SharedRateLimiter({ burst: 2, perSecond: 1 }, a.counters);
      const caller = nextOfficer();
      expect(await limiter.take(caller)).toEqual({ allowed: true });
      await admin.sendCommand(['CLIENT', 'PAUSE', '1500', 'ALL']);
      const started = performance.now();
      // The local bucket starts full: this replica alone allows its own burst of 2.
      expect(await limiter.take(caller)).toEqual({ allowed: true });
      expect(await limiter.take(caller)).toEqual({ allowed: true });
      expect(await limiter.take(caller)).toMatchObject({ allowed: false });
      expect(performance.now() - started).toBeLessThan(1000);
      expect((await a.metrics.fallbacks.get()).values.find((v) => v.labels.limit === 'rate')?.value).toBe(3);
      expect(a.warnings).toHaveLength(1);
      expect(a.warnings[0]).toMatch(/Redis unavailable; this replica applies rate limits and bulk-lookup counts on its own/);
      await admin.sendCommand(['CLIENT', 'UNPAUSE']);
    });

    it('keeps limiting while Redis is down, and shares again once it is back', async () => {
      const [a, b] = [await replica(), await replica()];
      const config = { burst: 2, perSecond: 1 };
      const [ra, rb] = [new SharedRateLimiter(config, a.counters), new SharedRateLimiter(config, b.counters)];
      const bulk = new SharedBulkLookup({ threshold: 1, windowSeconds: 60, block: true }, a.counters);
      await redis.kill();
      try {
        const caller = nextOfficer();
        // Each replica alone: a burst of 2 each, then refused.
        expect((await Promise.all([ra.take(caller), ra.take(caller), ra.take(caller)])).map((d) => d.allowed)).toEqual([true, true, false]);
        expect((await Promise.all([rb.take(caller), rb.take(caller), rb.take(caller)])).map((d) => d.allowed)).toEqual([true, true, false]);
        expect(await bulk.record(caller, ['1'])).toEqual({ allowed: true, distinct: 1 });
        expect(await bulk.record(caller, ['2'])).toMatchObject({ allowed: false, wouldBe: 2 });
        expect((await a.metrics.fallbacks.get()).values.find((v) => v.labels.limit === 'bulk')?.value).toBe(2);
        expect((await a.metrics.sharedUp.get()).values[0].value).toBe(0);
      } finally {
        await redis.start();
      }
      await waitFor(
        async () => (await a.metrics.sharedUp.get()).values[0]?.value === 1 && (await b.metrics.sharedUp.get()).values[0]?.value === 1,
        'the replicas never reconnected',
      );
      const caller = nextOfficer();
      const before =
        (await a.metrics.fallbacks.get()).values.reduce((n, v) => n + v.value, 0) +
        (await b.metrics.fallbacks.get()).values.reduce((n, v) => n + v.value, 0);
      const decisions = [await ra.take(caller), await rb.take(caller), await ra.take(caller)];
      const after =
        (await a.metrics.fallbacks.get()).values.reduce((n, v) => n + v.value, 0) +
        (await b.metrics.fallbacks.get()).values.reduce((n, v) => n + v.value, 0);
      expect(after - before, 'a decision fell back after Redis was back').toBe(0);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
      expect(await admin.exists(rateBucketKey(caller))).toBe(1);
    });
  });
});

async function waitFor(probe: () => Promise<boolean>, message: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(message);
}
