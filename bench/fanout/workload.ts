/**
 * Workload 3, fan-out scaling: the person lookup across 3, 8, 16 and 32 regions, with
 * one region slow (answers every request 200 ms late), and separately one dead (nothing listens:
 * connection refused) and one hung (accepts, never answers: costs the region timeout).
 *
 * The regions are re-labelled JS adapters over one generated data set (fanout/relabelled.ts),
 * eight to a process (fanout/regions-host.ts). One gateway holds every region in its
 * registry; each condition asks a subset with the `regions:` argument, so one gateway
 * and one set of processes serve every size. Latency is compared with the slowest
 * healthy region asked directly at the same concurrency: the lookup is one call to each
 * region (the index part provides the records' fields it selects), so the floor is that
 * region's direct p50, and `addedP50` is what the gateway adds on top.
 *
 * All regions share the gateway's two cores, so beside each figure stand the CPU
 * milliseconds per lookup of the gateway and of the region processes, and the ceiling
 * they put on throughput (cores × 1000 / both): when the regions' own work fills the
 * machine, latency at 8 connections is queueing for CPU, not fan-out. The healthy and
 * one-dead conditions are therefore also run with one client at a time (`singleClient`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchData } from '../lib/data.ts';
import { startLiandong, type BenchRegion } from '../lib/liandong.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import { officerHeaders } from '../lib/officer.ts';
import { internalSigner } from '../lib/internal-signer.ts';
import { cpuSeconds, freePort, startAll, startProcess, TSX, type Running } from '../lib/processes.ts';
import { cpus } from 'node:os';
import type { WorkloadOptions } from '../peer/workload.ts';
import { personLookup, personLookupIndexOnly } from '../regional/queries.ts';
import { startHungRegion } from './hung.ts';
import Database from 'better-sqlite3';
import { normaliseIdNumber } from '../../common/normalise/index.ts';
import { JS_DB_PATH } from '../../standins/js/schema.ts';
import { NOT_IN_MEMBERSHIP_FILTER } from '../../gateway/federation/data-sources/membership.ts';

const REGIONS_PER_PROCESS = 8;
export const SLOW_MS = 200;
export const REGION_TIMEOUT_MS = 1000;
/** Closed-loop clients: low, so the figures are fan-out latency rather than queueing on 2 cores. */
const CONNECTIONS = 8;
/** How long the idle cost (no lookups) is measured. */
const IDLE_SECONDS = 5;
/** Sequential calls per region in the person lookup: the index part alone (it provides the records' fields asked). */
const HOPS = 1;

/** AA, AB, … AZ, BA, …: codes no real region uses. */
const code = (i: number) => String.fromCharCode(65 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26));

async function startHosts(
  dataDir: string,
  keysDir: string,
  codes: string[],
  slow: string,
  only: { idNumber: string; region: string },
): Promise<{ urls: Record<string, string>; hosts: Running[] }> {
  const hosts: Running[] = [];
  const urls: Record<string, string> = {};
  const chunks = Array.from({ length: Math.ceil(codes.length / REGIONS_PER_PROCESS) }, (_, i) =>
    codes.slice(i * REGIONS_PER_PROCESS, (i + 1) * REGIONS_PER_PROCESS),
  );
  await startAll(
    hosts,
    chunks.map(
      (chunk) => () =>
        startProcess(
          `regions ${chunk[0]}–${chunk.at(-1)}`,
          process.execPath,
          [
            ...TSX,
            'bench/fanout/regions-host.ts',
            '--data',
            dataDir,
            '--keys',
            keysDir,
            '--codes',
            chunk.join(','),
            '--slow',
            `${slow}=${SLOW_MS}`,
            '--filters',
            '--only',
            `${only.idNumber}=${only.region}`,
          ],
          { url: '', ready: async (output) => output.includes('regions {'), timeoutMs: 120_000 },
        ),
    ),
  );
  for (const host of hosts) Object.assign(urls, JSON.parse(/regions (\{.*\})/.exec(host.output())![1]));
  return { urls, hosts };
}

interface Condition {
  name: string;
  regions: string[];
  direct: string;
  /** Default: the person every region holds. */
  person?: string;
}

/** A person with a record in the data set other than `not`: the one the filter conditions look up. */
function personOfOneRegion(dataDir: string, not: string): string {
  const db = new Database(join(dataDir, JS_DB_PATH), { readonly: true });
  try {
    const rows = db.prepare('SELECT id_no FROM t_person ORDER BY person_id LIMIT 20 OFFSET 100').all() as { id_no: string }[];
    return rows.map((r) => normaliseIdNumber(r.id_no)).find((id) => id !== not)!;
  } finally {
    db.close();
  }
}

/** Waits (bounded) until the gateway trusts the filter of every region in `codes` (its /metrics). */
export async function filtersTrusted(
  gatewayUrl: string,
  codes: readonly string[],
  log: (line: string) => void,
  timeoutMs = 120_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
    const trusted = new Set(
      text
        .split('\n')
        .filter((l) => l.startsWith('liandong_filter_trusted{') && l.endsWith(' 1'))
        .map((l) => /region="([A-Z]+)"/.exec(l)?.[1]),
    );
    if (codes.every((c) => trusted.has(c))) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  log(`  the gateway did not trust every region's filter within ${timeoutMs / 1000} s: the filtered rows ask untrusted regions too`);
  return false;
}

/** CPU milliseconds per second of the gateway and of the region processes while nothing is asked. */
async function idleCpu(
  gatewayPid: number,
  regionsCpu: () => number,
  seconds: number,
): Promise<{ gatewayMsPerSecond: number; regionsMsPerSecond: number }> {
  const [gateway, regions, started] = [cpuSeconds(gatewayPid), regionsCpu(), performance.now()];
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  return {
    gatewayMsPerSecond: ((cpuSeconds(gatewayPid) - gateway) * 1000) / elapsed,
    regionsMsPerSecond: ((regionsCpu() - regions) * 1000) / elapsed,
  };
}

export async function runFanoutWorkload(opts: WorkloadOptions & { sizes: number[] }) {
  const work = mkdtempSync(join(tmpdir(), 'liandong-bench-fanout-'));
  const data = await benchData(10_000, ['JS'], opts.log);
  const person = data.scenarios.personInAllRegions.idNumber;
  const max = Math.max(...opts.sizes);
  const healthy = Array.from({ length: max }, (_, i) => code(i));
  const slow = code(max);
  const [dead, hung] = [code(max + 1), code(max + 2)];
  const keysDir = join(work, 'keys');
  const sign = await internalSigner(keysDir); // creates the gateway's internal key before the regions read it
  // Held by the first region alone: the membership-filter rows (each region publishes its filter).
  const onlyPerson = personOfOneRegion(data.dir, person);
  const { urls, hosts } = await startHosts(data.dir, keysDir, [...healthy, slow], slow, { idNumber: onlyPerson, region: healthy[0] });
  const hungRegion = await startHungRegion();
  const regions: BenchRegion[] = [
    ...[...healthy, slow].map((c) => ({ code: c, url: urls[c] })),
    { code: dead, url: `http://127.0.0.1:${await freePort()}` },
    { code: hung, url: hungRegion.url },
  ];
  const gateway = await startLiandong({ name: 'liandong-fanout', template: 'regional', work, regions, regionTimeoutMs: REGION_TIMEOUT_MS });
  try {
    const headers = await officerHeaders(join(work, 'keys'));
    const load = (
      url: string,
      body: string,
      h: Record<string, string> = {},
      pid?: number,
      perRequestHeaders?: (body: string) => Record<string, string>,
      connections = CONNECTIONS,
    ): Promise<LoadResult> => runLoad({ url, body, headers: h, connections, seconds: opts.seconds, pid, perRequestHeaders });
    const regionsCpu = () => hosts.reduce((sum, h) => sum + cpuSeconds(h.pid), 0);
    /** The lookup through the gateway, with the region processes' CPU charged per request too. */
    const lookup = async (cond: Condition, connections = CONNECTIONS) => {
      const before = regionsCpu();
      const r = await load(gateway.url, personLookup(cond.person ?? person, cond.regions), headers, gateway.pid, undefined, connections);
      const regionsCpuPerRequestMs = r.requests ? ((regionsCpu() - before) * 1000) / r.requests : null;
      return { r, regionsCpuPerRequestMs };
    };
    const direct: Record<string, LoadResult> = {};
    opts.log(`workload 3 (fan-out): ${regions.length} regions registered, ${hosts.length} region processes; person ${person}`);
    for (const c of [healthy[0], slow]) {
      direct[c] = await load(`${urls[c]}/index`, personLookupIndexOnly(person), {}, undefined, (body) => sign(c, 'index', body));
      opts.log(`  direct to ${c === slow ? 'the slow region' : 'a healthy region'}: p50 ${direct[c].p50} ms p99 ${direct[c].p99} ms`);
    }
    const directOneClient = await load(
      `${urls[healthy[0]]}/index`,
      personLookupIndexOnly(person),
      {},
      undefined,
      (body) => sign(healthy[0], 'index', body),
      1,
    );
    opts.log(`  direct to a healthy region, one client: p50 ${directOneClient.p50} ms p99 ${directOneClient.p99} ms`);
    // The floor of the filtered rows: the one holding region asked directly for its own person.
    direct.holding = await load(`${urls[healthy[0]]}/index`, personLookupIndexOnly(onlyPerson), {}, undefined, (body) =>
      sign(healthy[0], 'index', body),
    );
    const holdingOneClient = await load(
      `${urls[healthy[0]]}/index`,
      personLookupIndexOnly(onlyPerson),
      {},
      undefined,
      (body) => sign(healthy[0], 'index', body),
      1,
    );
    opts.log(`  direct to the holding region (person ${onlyPerson}): p50 ${direct.holding.p50} ms; one client ${holdingOneClient.p50} ms`);
    const allTrusted = await filtersTrusted(gateway.url, [...healthy, slow], opts.log);
    // What the system costs with no lookup at all (the regions' change publishers polling
    // their systems, heartbeats, the gateway following every stream and refreshing filters):
    // the CPU-per-lookup figures below include this share, divided by the requests served.
    const idle = await idleCpu(gateway.pid, regionsCpu, IDLE_SECONDS);
    opts.log(
      `  idle (${IDLE_SECONDS} s, no lookups): gateway ${idle.gatewayMsPerSecond.toFixed(1)} ms CPU/s, regions ${idle.regionsMsPerSecond.toFixed(1)} ms CPU/s (${regions.length - 2} regions)`,
    );
    const results: Record<string, Record<string, unknown>> = {};
    const singleClient: Record<string, Record<string, unknown>> = {};
    const cores = cpus().length;
    for (const n of opts.sizes) {
      const base = healthy.slice(0, n - 1);
      const conditions: Condition[] = [
        { name: 'healthy', regions: healthy.slice(0, n), direct: healthy[0] },
        { name: `one slow (${SLOW_MS} ms)`, regions: [...base, slow], direct: slow },
        { name: 'one dead', regions: [...base, dead], direct: healthy[0] },
        { name: `one hung (timeout ${REGION_TIMEOUT_MS} ms)`, regions: [...base, hung], direct: healthy[0] },
        { name: 'held by one (filters)', regions: healthy.slice(0, n), direct: 'holding', person: onlyPerson },
      ];
      const filtered = conditions[4];
      const sample = (await (
        await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: personLookup(onlyPerson, filtered.regions),
        })
      ).json()) as { data?: { person?: { records?: unknown[] } }; extensions?: { regions?: { status: string; message?: string }[] } };
      // Skipped by filter, not by the `regions:` argument (which leaves out the registered regions of other sizes).
      const skippedByFilter = (sample.extensions?.regions ?? []).filter((r) => r.message === NOT_IN_MEMBERSHIP_FILTER).length;
      opts.log(
        `  ${String(n).padStart(2)} regions: the held-by-one lookup skips ${skippedByFilter} of ${n} regions by filter, ${sample.data?.person?.records?.length ?? 0} record(s)`,
      );
      for (const cond of conditions) {
        const { r, regionsCpuPerRequestMs } = await lookup(cond);
        const ref = direct[cond.direct];
        const cpuCeilingRps =
          r.cpuPerRequestMs !== null && regionsCpuPerRequestMs !== null
            ? (cores * 1000) / (r.cpuPerRequestMs + regionsCpuPerRequestMs)
            : null;
        const row = {
          regions: n,
          condition: cond.name,
          ...(cond === filtered ? { skippedByFilter, allFiltersTrusted: allTrusted } : {}),
          rps: r.rps,
          p50: r.p50,
          p99: r.p99,
          errors: r.errors + r.non2xx,
          cpuPerRequestMs: r.cpuPerRequestMs,
          regionsCpuPerRequestMs,
          cpuCeilingRps,
          slowestHealthyP50: ref.p50,
          floorP50: HOPS * ref.p50,
          addedP50: r.p50 - HOPS * ref.p50,
          addedP99: r.p99 - HOPS * ref.p99,
        };
        results[`${n} regions, ${cond.name}`] = row;
        opts.log(
          `  ${String(n).padStart(2)} regions ${cond.name.padEnd(26)} ${r.rps.toFixed(1).padStart(7)} req/s  p50 ${r.p50} ms (+${row.addedP50} over the floor ${row.floorP50})  p99 ${r.p99} ms  errors ${row.errors}` +
            `  CPU ms/lookup: gateway ${r.cpuPerRequestMs?.toFixed(1) ?? '-'}, regions ${regionsCpuPerRequestMs?.toFixed(1) ?? '-'}`,
        );
      }
      // One dead region, one client: at the largest size (where it matters) and where time allows.
      const deadToo = n === Math.max(...opts.sizes) || opts.seconds >= 5;
      for (const cond of deadToo ? [conditions[0], conditions[2], filtered] : [conditions[0], filtered]) {
        const { r, regionsCpuPerRequestMs } = await lookup(cond, 1);
        const ref = cond === filtered ? holdingOneClient : directOneClient;
        singleClient[`${n} regions, ${cond.name}`] = {
          regions: n,
          condition: cond.name,
          rps: r.rps,
          p50: r.p50,
          p99: r.p99,
          errors: r.errors + r.non2xx,
          cpuPerRequestMs: r.cpuPerRequestMs,
          regionsCpuPerRequestMs,
          floorP50: HOPS * ref.p50,
          addedP50: r.p50 - HOPS * ref.p50,
        };
        opts.log(
          `  ${String(n).padStart(2)} regions ${cond.name.padEnd(26)} one client: p50 ${r.p50} ms (+${r.p50 - HOPS * ref.p50} over the floor)  p99 ${r.p99} ms`,
        );
      }
    }
    return {
      connections: CONNECTIONS,
      hops: HOPS,
      slowMs: SLOW_MS,
      regionTimeoutMs: REGION_TIMEOUT_MS,
      regionProcesses: hosts.length,
      cores,
      idle,
      direct,
      directOneClient,
      holdingOneClient,
      filteredPerson: onlyPerson,
      results,
      singleClient,
    };
  } finally {
    await gateway.stop();
    await hungRegion.close();
    for (const h of hosts) await h.stop();
  }
}
