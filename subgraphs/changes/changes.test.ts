/**
 * A region's change stream end to end: the publisher in a real subgraph server (the
 * feed is HB's own change log, filled by hand) and the gateway's subscriber over SSE and
 * over a real Redis.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { ChangeEvent, RegionAdapter } from '../../adapters/adapter.ts';
import { ChangeLog } from '../../adapters/hb/change-log.ts';
import { RedisTransport } from '../../gateway/cache/redis-transport.ts';
import { RegionStream } from '../../gateway/cache/region-stream.ts';
import { followSse } from '../../gateway/cache/sse-transport.ts';
import { startRestartableRedis, type RestartableRedis } from '../../tests/cache/redis-server.ts';
import { redisAvailable } from '../../tests/support/redis.ts';
import { silentLogger } from '../logger.ts';
import { JS_REGION, smallRegion } from '../testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from '../testing/harness.ts';
import { createMemoryAdapter } from '../testing/memory-adapter.ts';
import { changeRoute } from './index.ts';
import { SseClients } from './sse.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const quiet = pino({ level: 'silent' });
const event = (id: string): ChangeEvent => ({
  region: 'JS',
  type: 'PersonRecord',
  id,
  idNumbers: [],
  plates: [],
  at: new Date().toISOString(),
});

/** The memory adapter with a real, hand-fed change log, and a switch to make polls fail. */
function adapterWithLog() {
  const log = new ChangeLog(100);
  let failing = false;
  const changes = {
    changesSince: (since: string | null) => (failing ? Promise.reject(new Error('regional system down')) : log.changesSince(since)),
  };
  const adapter: RegionAdapter = { ...createMemoryAdapter(JS_REGION, smallRegion()), changes };
  return {
    adapter,
    log,
    fail: (on: boolean) => {
      failing = on;
    },
  };
}

function listener() {
  const seen = { changes: [] as ChangeEvent[], flushes: [] as string[] };
  return {
    seen,
    listener: { changed: (e: ChangeEvent) => seen.changes.push(e), flush: (_r: string, why: string) => seen.flushes.push(why) },
  };
}

async function until(probe: () => boolean, ms = 5000): Promise<void> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the change stream over SSE', () => {
  let server: TestSubgraph;
  let source: ReturnType<typeof adapterWithLog>;
  const stops: Array<() => void> = [];

  beforeAll(async () => {
    source = adapterWithLog();
    const route = await changeRoute(source.adapter, { pollMs: 20, heartbeatMs: 50, logger: silentLogger });
    server = await startTestSubgraph({ adapter: source.adapter, routes: [route] });
  });
  afterEach(() => stops.splice(0).forEach((stop) => stop()));
  afterAll(async () => server?.close());

  it('delivers each change to a subscriber, which is live while heartbeats flow', async () => {
    const { seen, listener: l } = listener();
    const stream = new RegionStream('JS', 200, l);
    stops.push(followSse(`${server.url}/changes`, stream, quiet).stop);
    await until(() => stream.isLive());
    expect(seen.flushes).toEqual(['change stream (re)connected']);
    source.log.append([event('P1'), event('P2')]);
    await until(() => seen.changes.length === 2);
    expect(seen.changes.map((e) => e.id)).toEqual(['P1', 'P2']);
    expect(seen.flushes).toHaveLength(1);
  });

  it('stops heartbeats while the regional feed cannot be read, so the subscriber stops being live', async () => {
    const stream = new RegionStream('JS', 200, listener().listener);
    stops.push(followSse(`${server.url}/changes`, stream, quiet).stop);
    await until(() => stream.isLive());
    source.fail(true);
    try {
      await until(() => !stream.isLive());
    } finally {
      source.fail(false);
    }
    await until(() => stream.isLive());
  });

  it('lets the server close while streams are open', async () => {
    const other = adapterWithLog();
    const route = await changeRoute(other.adapter, { pollMs: 20, heartbeatMs: 50, logger: silentLogger });
    const closing = await startTestSubgraph({ adapter: other.adapter, routes: [route] });
    const stream = new RegionStream('JS', 200, listener().listener);
    stops.push(followSse(`${closing.url}/changes`, stream, quiet).stop);
    await until(() => stream.isLive());
    await closing.close();
    await until(() => !stream.isLive());
  });
});

describe('a change stream connection that goes silent', () => {
  const hello = { kind: 'hello' as const, region: 'JS', epoch: 'e1', seq: 0, heartbeatMs: 50, polledAt: null };

  /** An SSE server that sends the hello and then whatever `clients` sends (keep-alive comments at `keepAliveMs`). */
  async function sseServer(keepAliveMs: number) {
    const clients = new SseClients(keepAliveMs);
    let connections = 0;
    const server = http.createServer((req, res) => {
      connections++;
      clients.open(req, res, hello);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/changes`;
    const close = () => {
      clients.closeAll();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    };
    return { url, connections: () => connections, close };
  }

  it('is dropped by the gateway and made again (a half-open connection would leave the region untrusted for good)', async () => {
    // No keep-alive within the test: the connection stays open and says nothing after its hello.
    const silent = await sseServer(3_600_000);
    const stream = new RegionStream('JS', 200, listener().listener);
    const follower = followSse(silent.url, stream, quiet, () => ({}), 200);
    try {
      await until(() => silent.connections() >= 2);
    } finally {
      follower.stop();
      await silent.close();
    }
  });

  it('is kept alive by the publisher with a comment whatever its feed does', async () => {
    const talking = await sseServer(20);
    try {
      const response = await fetch(talking.url);
      const reader = response.body!.getReader();
      let text = '';
      while (!text.includes(': keep-alive\n\n')) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
    } finally {
      await talking.close();
    }
  });
});

describe.skipIf(!redisAvailable())('the change stream over Redis pub/sub', () => {
  let redis: RestartableRedis;
  let server: TestSubgraph;
  let transport: RedisTransport;
  let source: ReturnType<typeof adapterWithLog>;

  beforeAll(async () => {
    redis = await startRestartableRedis();
    source = adapterWithLog();
    const route = await changeRoute(source.adapter, { pollMs: 20, heartbeatMs: 50, redisUrl: redis.url, logger: silentLogger });
    server = await startTestSubgraph({ adapter: source.adapter, routes: [route] });
    transport = new RedisTransport(redis.url, quiet);
  });
  afterAll(async () => {
    await transport?.close();
    await server?.close();
    await redis?.stop();
  });

  it("delivers changes on the region's channel, and flushes after Redis was away", async () => {
    const { seen, listener: l } = listener();
    const stream = new RegionStream('JS', 200, l);
    transport.follow(stream);
    await until(() => stream.isLive());
    source.log.append([event('P9')]);
    await until(() => seen.changes.some((e) => e.id === 'P9'));
    const flushesBefore = seen.flushes.length;
    await redis.kill();
    await until(() => !stream.isLive());
    await redis.start();
    await until(() => stream.isLive(), 10_000);
    expect(seen.flushes.length).toBeGreaterThan(flushesBefore);
  });
});
