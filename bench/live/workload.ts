/**
 * Workload 7, live: subscriptions at scale over the three real regions. A fresh small
 * data set (JS is written to, so the shared bench data is never touched), a gateway with
 * audit on, `subscribers` concurrent subscriptions from the reference clients (half
 * graphql-sse, half graphql-ws; each watches one person JS holds), then wanted notices
 * written into JS's database at `changesPerSecond` for `seconds` (each touching one
 * watched person, round robin). Reported: delivery latency from the regional write to
 * the client (p50/p99; includes JS's change-poll interval), events delivered vs written,
 * gateway CPU per delivered event, gateway memory (RSS and heap after GC) before the
 * subscribers, with them, and after they disconnect.
 * Everything is on 127.0.0.1, bounded in count and time.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { normaliseIdNumber } from '../../common/normalise/index.ts';
import { generate } from '../../standins/generator/generate.ts';
import { JS_DB_PATH } from '../../standins/js/schema.ts';
import { startLiandong } from '../lib/liandong.ts';
import { officerHeaders } from '../lib/officer.ts';
import { cpuSeconds, rssMiB } from '../lib/processes.ts';
import { startRegions } from '../lib/regions.ts';
import { heapAfterGc } from '../memory/workload.ts';

const MiB = 1024 * 1024;

export interface LiveWorkloadOptions {
  subscribers: number;
  changesPerSecond: number;
  seconds: number;
  log: (line: string) => void;
}

const WATCH = `subscription Watch($ids: [String!]) {
  watch(idNumbers: $ids) { id kind recordId person { idNumber wanted } }
}`;

interface Client {
  close(): void;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runLiveWorkload(opts: LiveWorkloadOptions) {
  const work = mkdtempSync(join(tmpdir(), 'liandong-bench-live-'));
  const dataDir = join(work, 'data');
  const persons = Math.max(opts.subscribers, 200);
  opts.log(`  generating ${persons} persons per region into ${dataDir}`);
  await generate({ dataDir, personsPerRegion: persons, seed: 7, regions: ['JS', 'GZ', 'HB'] });
  const regions = await startRegions(dataDir, work);
  const heapFile = join(work, 'heap.json');
  const gateway = await startLiandong({
    name: 'liandong-live',
    template: 'regional',
    work,
    regions: regions.regions,
    sections: {
      // Off: every event evicts what it would hit anyway, and a filling cache would hide whether subscriptions give memory back.
      cache: { enabled: false, store: 'memory' },
      live: { maxSubscriptionsPerOfficer: opts.subscribers, eventsPerSecond: 100, queueLimit: 1000 },
    },
    nodeArgs: ['--expose-gc'],
    preload: ['./bench/memory/gc-probe.ts'],
    env: { BENCH_HEAP_FILE: heapFile },
  });
  const db = new Database(join(dataDir, JS_DB_PATH));
  const clients: Client[] = [];
  try {
    const headers = await officerHeaders(join(work, 'keys'));
    const rows = db.prepare('SELECT DISTINCT id_no FROM t_person ORDER BY person_id LIMIT ?').all(opts.subscribers) as { id_no: string }[];
    const watched = rows.map((r) => ({ stored: r.id_no, idNumber: normaliseIdNumber(r.id_no) }));
    const memory = async () => {
      const heap = await heapAfterGc(gateway.pid, heapFile);
      return { rssMiB: rssMiB(gateway.pid), heapMiB: heap.heapUsed / MiB };
    };
    const written = new Map<string, number>();
    const latencies: number[] = [];
    let errors = 0;
    const errorCodes: Record<string, number> = {};
    let ended = 0;
    const onResult = (result: { data?: any; errors?: readonly unknown[] }) => {
      const recordId = result.data?.watch?.recordId as string | undefined;
      const at = recordId ? written.get(recordId) : undefined;
      if (at !== undefined) latencies.push(performance.now() - at);
      if (result.errors?.length) {
        errors++;
        for (const e of result.errors as Array<{ extensions?: { code?: string } }>) {
          const code = e.extensions?.code ?? 'none';
          errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        }
      }
    };
    const sink = { next: onResult, error: () => ended++, complete: () => ended++ };
    const wsUrl = gateway.url.replace(/^http/, 'ws');
    const subscribeAll = async () => {
      for (let i = 0; i < watched.length; i++) {
        const variables = { ids: [watched[i].idNumber] };
        if (i % 2 === 0) {
          const client = createSseClient({ url: gateway.url, headers, retryAttempts: 0 });
          const stop = client.subscribe({ query: WATCH, variables }, sink);
          clients.push({ close: () => (stop(), client.dispose()) });
        } else {
          const client = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: headers, retryAttempts: 0 });
          const stop = client.subscribe({ query: WATCH, variables }, sink);
          clients.push({ close: () => (stop(), void client.dispose()) });
        }
        // Batches of 50: connecting all at once would measure the accept queue, not the gateway.
        if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return waitForGauge(gateway.url, opts.subscribers, 60_000);
    };
    const disconnectAll = async () => {
      for (const client of clients.splice(0)) client.close();
      await waitForGauge(gateway.url, 0, 30_000, 'down');
      await untilIdle(gateway.pid);
    };
    // A warm-up round first: what the first subscribers leave for good (compiled code, the
    // operation and plan caches, verified tokens) is not what "memory returns" is about.
    await subscribeAll();
    await disconnectAll();
    const before = await memory();
    const subscribed = await subscribeAll();
    const endedBefore = ended;
    opts.log(`  ${subscribed} subscribers open (${Math.round(subscribed / 2)} SSE, ${Math.floor(subscribed / 2)} WebSocket)`);
    const withSubscribers = await memory();

    const insert = db.prepare(
      `INSERT INTO t_wanted (notice_id, id_no, status_code, reason, case_id, issued_at, updated_at)
       SELECT ?, ?, '1', 'bench live', NULL, issued_at, updated_at FROM t_wanted LIMIT 1`,
    );
    const total = Math.round(opts.changesPerSecond * opts.seconds);
    const cpuBefore = cpuSeconds(gateway.pid);
    const started = performance.now();
    for (let n = 0; n < total; n++) {
      const due = started + (n * 1000) / opts.changesPerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const id = `W-BENCH-${String(n).padStart(6, '0')}`;
      written.set(`JS:${id}`, performance.now());
      insert.run(id, watched[n % watched.length].stored);
    }
    // Deliveries still on their way: wait until every write arrived or 10 s passed.
    const deadline = performance.now() + 10_000;
    while (latencies.length < total && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const cpuUsed = cpuSeconds(gateway.pid) - cpuBefore;
    const underLoad = await memory();
    const endedEarly = ended - endedBefore;

    await disconnectAll();
    const after = await memory();
    latencies.sort((a, b) => a - b);
    return {
      subscribers: subscribed,
      changesWritten: total,
      changesPerSecond: opts.changesPerSecond,
      seconds: opts.seconds,
      eventsDelivered: latencies.length,
      resultsWithErrors: errors,
      errorCodes,
      streamsEndedEarly: endedEarly,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? Number.NaN },
      gatewayCpuMsPerEvent: latencies.length ? (cpuUsed * 1000) / latencies.length : Number.NaN,
      gatewayCpuSeconds: cpuUsed,
      memory: { before, withSubscribers, underLoad, afterDisconnect: after },
      // The machine is shared: the figures mean little without it.
      loadAverageAtEnd: loadavg(),
      method:
        'latency: performance.now() before the JS INSERT to the client callback (includes the region poll, 200 ms); CPU from /proc/<pid>/stat over the write window and the drain; heap after gc() via bench/memory/gc-probe.ts; memory "before" after a warm-up round of the same subscribers, "after" once they disconnected and the gateway went idle; entity cache off',
    };
  } finally {
    for (const client of clients) client.close();
    db.close();
    await gateway.stop();
    await regions.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Waits (at most 20 s) until the gateway uses under 5 % of a core over a second: events in flight have settled. */
async function untilIdle(pid: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const before = cpuSeconds(pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (cpuSeconds(pid) - before < 0.05) return;
  }
}

async function waitForGauge(gatewayUrl: string, target: number, deadlineMs: number, direction: 'up' | 'down' = 'up'): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let value = -1;
  for (;;) {
    const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
    value = Number(/^liandong_live_subscribers (\d+)/m.exec(text)?.[1] ?? 0);
    if (direction === 'up' ? value >= target : value <= target) return value;
    if (Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
