/**
 * The production shape (docker-compose.yml) proven on this machine without Docker: nginx
 * with docker/nginx/nginx.conf in front of two gateway replicas, redis-server, the three
 * regional subgraphs and the GZ stand-in, the replicas reading docker/config/*.json
 * (topology.ts). It shows what scaling out promises (docs/operations.md "Scaling out"):
 *
 *   (a) a change in GZ, published on Redis, evicts on both replicas;
 *   (b) one officer's rate limit and bulk-lookup count are shared by the replicas;
 *   (c) a replica killed (SIGKILL) under load loses no audit record of an answer sent,
 *       and the clients see no failure (nginx resends to the other replica);
 *   (d) both replicas restarted one at a time under load: no failed request;
 *   and each replica's audit chain verifies with `npm run audit -- verify --redis`.
 *
 * The tests run in order over one topology (each leaves both replicas up). Bounded: the
 * loads run for a few seconds each. Skipped only when nginx or redis-server is missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream, streamKeys, type RedisClient } from '../../gateway/audit/redis-sink.ts';
import { ROOT } from '../../scripts/lib/children.ts';
import { redisAvailable, redisMissingMessage } from '../support/redis.ts';
import { PERSON_NAMES, RECORD_NAME, within } from '../cache/support.ts';
import type { GraphQLResponse, Officer } from '../support/system.ts';
import { startLoad, type LoadTally } from './load.ts';
import { nginxAvailable, nginxMissingMessage } from './nginx.ts';
import { startTopology, type Topology } from './topology.ts';

const missing = !nginxAvailable() ? nginxMissingMessage : !redisAvailable() ? redisMissingMessage : null;
if (missing) console.warn(missing);

/** Tight enough that a crossing takes a few requests; the load's officers stay under them. */
const LIMITS = { rateLimit: { burst: 10, perSecond: 5 }, bulkLookup: { threshold: 2, windowSeconds: 3600, block: true } };
const LOAD = { clients: 6, officers: 60 };

describe.skipIf(missing !== null)('two gateway replicas behind nginx', () => {
  let topology: Topology;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    topology = await startTopology({ gatewayConfig: { limits: LIMITS } });
    // Both replicas follow every region's change stream (a stream that connects drops its
    // region's shared entries, so caching is only steady once all have).
    for (const replica of topology.replicas) await cachedOn(replica.url, topology.scenarios.crossRegionCase.suspectIdNumber);
  });

  afterAll(async () => {
    if (Object.keys(figures).length > 0) console.info(`replica figures: ${JSON.stringify(figures)}`);
    await topology?.stop();
  });

  const persons = () => [
    topology.scenarios.personInAllRegions.idNumber,
    topology.scenarios.crossRegionCase.suspectIdNumber,
    topology.scenarios.wantedInHb.idNumber,
  ];
  const statuses = (answer: GraphQLResponse) => (answer.extensions?.regions ?? []).map((r: { status: string }) => r.status);

  /**
   * Waits until `url` answers a repeated lookup wholly from the cache. Paced under the
   * officer's rate limit (5/s here): polling faster would be answered 429 once the burst
   * is spent, and a slow start (streams still connecting) would never be seen to settle.
   */
  async function cachedOn(url: string, idNumber: string): Promise<void> {
    let last: GraphQLResponse | null = null;
    const took = await within(30_000, async () => {
      if (last !== null) await new Promise((resolve) => setTimeout(resolve, 500));
      await topology.query(PERSON_NAMES, { id: idNumber }, undefined, url);
      last = await topology.query(PERSON_NAMES, { id: idNumber }, undefined, url);
      // Regions whose membership filter rules the person out are `skipped`, never asked: not a cache miss.
      const asked = statuses(last).filter((s: string) => s !== 'skipped');
      return last.status === 200 && asked.length > 0 && asked.every((s: string) => s === 'cached');
    });
    if (took === null)
      throw new Error(
        `${url} never answered a repeated lookup from its cache within 30 s; last answer: ${JSON.stringify(last).slice(0, 600)}`,
      );
  }

  /** The load the kill and the restarts run under: person lookups through nginx. */
  function load() {
    return startLoad({
      ...LOAD,
      // Each officer always asks for the same person: the bulk-lookup limit (2) is not the subject here.
      ask: (as: Officer) => topology.query(PERSON_NAMES, { id: persons()[Number(as.sub!.split('-')[1]) % 3] }, as),
    });
  }

  async function auditLines(): Promise<string[]> {
    const client: RedisClient = createClient({ url: topology.redis.url });
    await client.connect();
    try {
      const lines: string[] = [];
      for (const replica of topology.replicas) lines.push(...(await readStream(client, replica.instance)).segment.lines);
      return lines;
    } finally {
      client.destroy();
    }
  }

  async function auditedIds(): Promise<Map<string, number>> {
    const client: RedisClient = createClient({ url: topology.redis.url });
    await client.connect();
    try {
      const perInstance = new Map<string, number>();
      const ids = new Map<string, number>();
      for (const replica of topology.replicas) {
        const { segment } = await readStream(client, replica.instance);
        perInstance.set(replica.instance, segment.lines.length);
        for (const line of segment.lines) {
          const id = /"auditId":"([^"]+)"/.exec(line)?.[1];
          if (id) ids.set(id, (ids.get(id) ?? 0) + 1);
        }
      }
      figures.auditRecordsPerInstance = Object.fromEntries(perInstance);
      return ids;
    } finally {
      client.destroy();
    }
  }

  async function streamLength(instance: string): Promise<number> {
    const client: RedisClient = createClient({ url: topology.redis.url });
    await client.connect();
    try {
      return await client.xLen(streamKeys(instance).entries);
    } finally {
      client.destroy();
    }
  }

  function expectNoFailures(tally: LoadTally, what: string) {
    // What nginx saw, by kind (timestamps, connection numbers and clients left out).
    const kinds = new Map<string, number>();
    for (const line of topology.nginx.errors().trim().split('\n')) {
      const kind = line
        .replace(/^\S+ \S+ /, '')
        .replace(/\d+#\d+: \*\d+ /, '')
        .replace(/, client: .*?(, upstream: "[^"]*")?, host.*$/, '$1');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const nginxErrors = [...kinds].map(([kind, n]) => `${n} × ${kind}`).join('\n');
    if (process.env.LIANDONG_REPLICAS_DEBUG) console.info(`${what}: nginx error log, by kind:\n${nginxErrors}`);
    expect(
      tally.failures,
      `${what}: ${tally.failures.length} of ${tally.requests} requests failed, e.g. ${JSON.stringify(tally.failures.slice(0, 2))}\nnginx error log, by kind:\n${nginxErrors}`,
    ).toEqual([]);
    expect(tally.requests).toBeGreaterThan(50);
  }

  it('(a) evicts a record changed in GZ on both replicas', async () => {
    const id = topology.scenarios.personInAllRegions.recordIds.GZ;
    const [r1, r2] = topology.replicas.map((r) => r.url);
    const before = await topology.query(RECORD_NAME, { id }, undefined, r1);
    expect(before.status).toBe(200);
    // Both replicas now answer it from the shared cache, without asking GZ.
    for (const url of [r1, r2]) {
      const cached = await within(5000, async () =>
        statuses(await topology.query(RECORD_NAME, { id }, undefined, url)).every((s: string) => s === 'cached'),
      );
      expect(cached, `${url} did not serve the record from the cache`).not.toBeNull();
    }
    const renamed = `${before.data.personRecord.name}變`;
    const changed = await fetch(`${topology.gzUrl}/admin/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ bm: 'renkou', jlbh: id.slice('GZ:'.length), sz: { xm: renamed } }),
    });
    expect(changed.ok).toBe(true);
    for (const url of [r1, r2]) {
      const took = await within(
        2000,
        async () => (await topology.query(RECORD_NAME, { id }, undefined, url)).data?.personRecord?.name === renamed,
      );
      expect(took, `${url} still served the old name 2 s after the change`).not.toBeNull();
    }
  });

  it("(b) shares one officer's rate limit and bulk-lookup count between the replicas", async () => {
    const [r1, r2] = topology.replicas.map((r) => r.url);
    const officer: Officer = { roles: ['investigator'], sub: 'RATE-1' };
    const id = persons()[0];
    const started = performance.now();
    const answers: Array<{ replica: number; status: number }> = [];
    for (let i = 0; i < 3 * LIMITS.rateLimit.burst; i++) {
      const replica = i % 2;
      answers.push({ replica, status: (await topology.query(PERSON_NAMES, { id }, officer, [r1, r2][replica])).status });
    }
    const seconds = (performance.now() - started) / 1000;
    const allowed = answers.filter((a) => a.status === 200).length;
    figures.rateLimit = {
      requests: answers.length,
      allowed,
      refused: answers.filter((a) => a.status === 429).length,
      seconds: Number(seconds.toFixed(2)),
    };
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    // One bucket: the burst plus what refilled meanwhile — per-process buckets would allow a burst on each replica.
    expect(allowed).toBeGreaterThanOrEqual(LIMITS.rateLimit.burst);
    expect(allowed).toBeLessThanOrEqual(LIMITS.rateLimit.burst + Math.ceil(seconds * LIMITS.rateLimit.perSecond) + 1);
    // Each replica refused the officer before it had itself admitted a burst.
    for (const replica of [0, 1]) {
      const own = answers.filter((a) => a.replica === replica);
      const firstRefusal = own.findIndex((a) => a.status === 429);
      expect(firstRefusal, `replica ${replica + 1} never refused`).toBeGreaterThanOrEqual(0);
      expect(firstRefusal).toBeLessThan(LIMITS.rateLimit.burst);
    }

    const reader: Officer = { roles: ['investigator'], sub: 'BULK-1' };
    const [a, b, c] = persons();
    expect((await topology.query(PERSON_NAMES, { id: a }, reader, r1)).status).toBe(200);
    expect((await topology.query(PERSON_NAMES, { id: b }, reader, r2)).status).toBe(200);
    // Replica 1 has itself shown this officer one person; the shared count says two.
    const third = await topology.query(PERSON_NAMES, { id: c }, reader, r1);
    expect(third.status).toBe(403);
    expect(third.errors?.[0]?.extensions?.code).toBe('BULK_LOOKUP_BLOCKED');
    // The audit waited for the shared count: it recorded the withheld answer, not the data.
    const record = (await auditLines()).find((line) => line.includes(`"auditId":"${third.extensions?.auditId}"`));
    expect(record, 'the withheld answer has no audit record').toBeDefined();
    expect(JSON.parse(record!)).toMatchObject({ httpStatus: 403, errorCodes: ['BULK_LOOKUP_BLOCKED'] });
    // A person already viewed (on the other replica) stays viewable.
    expect((await topology.query(PERSON_NAMES, { id: a }, reader, r2)).status).toBe(200);
    expect(topology.replicas[0].output() + topology.replicas[1].output()).toMatch(/"event":"bulk-lookup".*"caller":"sub:BULK-1"/);
  });

  it('(c) loses no audit record and no request when a replica is killed under load', async () => {
    const before = await Promise.all(topology.replicas.map((r) => streamLength(r.instance)));
    const running = load();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await topology.replicas[0].kill();
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const tally = await running.stop();
    const audited = await auditedIds();
    const lost = tally.auditIds.filter((id) => !audited.has(id));
    const after = await Promise.all(topology.replicas.map((r) => streamLength(r.instance)));
    figures.kill = {
      requests: tally.requests,
      failures: tally.failures.length,
      answered: tally.auditIds.length,
      answeredAndAudited: tally.auditIds.length - lost.length,
      auditRecordsWritten: Object.fromEntries(topology.replicas.map((r, i) => [r.instance, after[i] - before[i]])),
    };
    expectNoFailures(tally, 'during the kill');
    expect(lost, "answers whose audit record is in no replica's log").toEqual([]);
    await topology.replicas[0].start();
    await cachedOn(topology.replicas[0].url, persons()[1]);
  });

  it('(d) restarts both replicas one at a time with no failed request', async () => {
    const running = load();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const replica of topology.replicas) {
      await replica.stop();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await replica.start();
      const ready = await within(
        20_000,
        async () => (await fetch(replica.url.replace('/graphql', '/readyz')).catch(() => null))?.status === 200,
      );
      expect(ready, `${replica.instance} not ready after its restart`).not.toBeNull();
      // nginx keeps a replica it saw failing out of rotation for fail_timeout (5 s): the next
      // one may stop only once nginx sends this one traffic again (its audit stream grows;
      // the load reaches the replicas only through nginx).
      const from = await streamLength(replica.instance);
      const back = await within(20_000, async () => (await streamLength(replica.instance)) >= from + 10);
      expect(back, `nginx did not send ${replica.instance} traffic again after its restart`).not.toBeNull();
    }
    const tally = await running.stop();
    figures.rollingRestart = { requests: tally.requests, failures: tally.failures.length };
    expectNoFailures(tally, 'during the rolling restart');
    const audited = await auditedIds();
    expect(tally.auditIds.filter((id) => !audited.has(id))).toEqual([]);
  });

  it("verifies each replica's audit chain (npm run audit -- verify --redis)", () => {
    for (const replica of topology.replicas) {
      const run = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/audit.ts',
          'verify',
          '--redis',
          topology.redis.url,
          '--instance',
          replica.instance,
          '--key',
          join(topology.keysDir, 'audit-ed25519.pub.pem'),
          '--regions',
          join(topology.configDir, 'regions.json'),
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      figures[`verify ${replica.instance}`] = run.stdout.trim().split('\n').slice(0, 4).join(' | ');
      expect(run.status, `${replica.instance}: ${run.stdout}${run.stderr}`).toBe(0);
    }
  });
});
