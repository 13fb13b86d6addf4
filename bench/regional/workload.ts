/**
 * Workload 2, Liandong's own: the cross-region person lookup
 *   (a) straight to one region's subgraph (its index part: the floor of one hop),
 *   (b) through plain @apollo/gateway over that one region's three contract parts,
 *   (both sign a fresh internal token per subgraph request: the secured subgraphs answer nothing else)
 *   (c) through Liandong over the three regions, authorisation and audit on (a real
 *       dev token and an X-Purpose header), cache off,
 *   (d) the same with the entity cache on and warm,
 * plus (c1) Liandong asked for the one region (b) serves, the like-for-like comparison.
 * Contenders are interleaved round by round; ratios are to (b) within each round.
 *
 * At 50 connections a closed loop's p50 is mostly queueing (50 / req/s), so the lookup's
 * own latency is measured too: (c) and (d) with one client at a time (`singleClient`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkResponse } from '../lib/check.ts';
import { median, runLoad, type LoadResult } from '../lib/load.ts';
import { benchData } from '../lib/data.ts';
import { answers, startLiandong, type BenchRegion } from '../lib/liandong.ts';
import { internalSigner } from '../lib/internal-signer.ts';
import { officerHeaders } from '../lib/officer.ts';
import { cpuSeconds, freePort, startAll, startProcess, TSX, type Running } from '../lib/processes.ts';
import { startRegions } from '../lib/regions.ts';
import { runRounds, type Contender } from '../lib/rounds.ts';
import type { WorkloadOptions } from '../peer/workload.ts';
import { filtersTrusted } from '../fanout/workload.ts';
import { oneRegionSupergraph } from './compose.ts';
import { holdersHistogram, samplePersons, type SampledPerson } from './persons.ts';
import { personLookup, personLookupIndexOnly } from './queries.ts';

/** How many different persons contender (e) looks up in turn (a seeded sample of the data set). */
const MANY_PERSONS = 2000;

/** Persons per region by default; `--regional-persons N` (e.g. 1000000, the #15 target's size) overrides it. */
export const REGIONAL_PERSONS = 10_000;

export interface RegionalOptions extends WorkloadOptions {
  /** Persons per region (default REGIONAL_PERSONS); each size is generated once into the bench data cache. */
  persons?: number;
  /**
   * Whether the regions publish membership filters (default true). The person asked is held by
   * every region, so no region is skipped either way; off spares a run at 1M the regions' first
   * filter builds (GZ's pages its whole legacy service and takes longer than a run).
   */
  filters?: boolean;
  /**
   * The contenders measured, by their letter (`c1`, `c`, `d`, `c-off`, `e`, `a`); the reference
   * (b) always runs. Default: all. For profiling one path without the others in the profile.
   */
  only?: readonly string[];
}

/** Region requests actually sent per lookup: every fetch counted but those a filter skipped. */
const sumSent = (perLookup: Record<string, number>) =>
  Object.entries(perLookup).reduce((sum, [key, n]) => (key.endsWith(' skipped') ? sum : sum + n), 0);

/**
 * Each sampled person's answer names exactly the regions the data set says hold it. A holder
 * missing would be a membership filter's false negative (the one thing filters must never
 * do): the run stops there rather than measure a lookup that drops answers.
 */
async function checkHolders(gatewayUrl: string, persons: readonly SampledPerson[], headers: Record<string, string>): Promise<void> {
  for (const p of persons) {
    const answer = JSON.parse(await bodyOf(gatewayUrl, personLookup(p.idNumber), headers)) as {
      data: { person: { regions: string[] } | null };
    };
    const regions = [...(answer.data.person?.regions ?? [])].sort();
    if (regions.join() !== p.regions.join())
      throw new Error(`person ${p.idNumber}: the gateway answered regions [${regions}], the data set holds it in [${p.regions}]`);
  }
}

/** The histogram count line of one region fetch: `…_count{region="JS",subgraph="index",status="ok"} 12`. */
const FETCH_COUNT = /^liandong_region_fetch_duration_seconds_count\{([^}]*)\} (\d+)$/;

async function regionFetchCounts(gatewayUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = FETCH_COUNT.exec(line);
    if (!m) continue;
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(m[1])?.[1] ?? '?';
    counts.set(`${label('region')} ${label('subgraph')} ${label('status')}`, Number(m[2]));
  }
  return counts;
}

/**
 * How many subgraph requests one lookup makes, by region, part and status: the gateway's own
 * fetch counter (GET /metrics) read around `n` lookups sent one at a time (nothing else is running).
 */
async function fetchesPerLookup(gatewayUrl: string, bodies: readonly string[], headers: Record<string, string>) {
  const n = bodies.length;
  const before = await regionFetchCounts(gatewayUrl);
  for (const body of bodies) await bodyOf(gatewayUrl, body, headers);
  const after = await regionFetchCounts(gatewayUrl);
  const perLookup: Record<string, number> = {};
  for (const [key, count] of after) {
    const added = count - (before.get(key) ?? 0);
    if (added > 0) perLookup[key] = added / n;
  }
  return perLookup;
}

async function startPlainGateway(work: string, region: BenchRegion): Promise<Running> {
  const supergraph = join(work, 'one-region-supergraph.graphql');
  writeFileSync(supergraph, oneRegionSupergraph(region.url));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  return startProcess(
    'apollo-gateway',
    process.execPath,
    [
      ...TSX,
      'bench/peer/apollo-gateway.ts',
      '--port',
      String(port),
      '--supergraph',
      supergraph,
      '--internal-keys',
      join(work, 'keys'),
      '--region',
      region.code,
    ],
    { url, ready: answers(url) },
  );
}

/** Does the gateway refuse a request without a token? (Whether authentication is wired in yet.) */
async function refusesAnonymous(url: string, body: string): Promise<boolean> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-purpose': 'patrol-check: bench' },
    body,
  });
  return res.status === 401 || /UNAUTHENTICATED/.test(await res.text());
}

async function bodyOf(url: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"errors"'))
    throw new Error(`reference answer from ${url} was not clean (status ${res.status}): ${text.slice(0, 400)}`);
  return text;
}

/** The reference answer with any trailing `extensions` dropped, so others are compared on `data` bytes. */
const dataOnly = (text: string) => text.trim().replace(/,"extensions":.*}$/s, '}');

/**
 * The lookup's own latency: one connection, each contender in turn, medians of the rounds
 * (half as many rounds, at most 10 s each: with no queueing a latency settles quickly).
 */
async function oneAtATime(
  contenders: Contender[],
  opts: WorkloadOptions,
): Promise<Record<string, { p50: number; p99: number; rps: number; perRound: LoadResult[] }>> {
  const rounds: Record<string, LoadResult[]> = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < Math.ceil(opts.rounds / 2); round++) {
    for (const c of contenders) {
      rounds[c.name].push(
        await runLoad({
          url: c.url,
          body: c.body ?? '',
          bodies: c.bodies,
          headers: c.headers,
          connections: 1,
          seconds: Math.min(opts.seconds, 10),
          pid: c.pid,
        }),
      );
    }
  }
  return Object.fromEntries(
    Object.entries(rounds).map(([name, rs]) => [
      name,
      {
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        rps: median(rs.map((r) => r.rps)),
        perRound: rs,
      },
    ]),
  );
}

export async function runRegionalWorkload(opts: RegionalOptions) {
  const persons = opts.persons ?? REGIONAL_PERSONS;
  if (!Number.isInteger(persons) || persons < 1000 || persons > 10_000_000)
    throw new RangeError(`regional persons per region: expected a whole number from 1000 to 10000000, got ${persons}`);
  const work = mkdtempSync(join(tmpdir(), 'liandong-bench-regional-'));
  const data = await benchData(persons, ['JS', 'GZ', 'HB'], opts.log);
  const person = data.scenarios.personInAllRegions.idNumber;
  // HB's first start over a large data set builds its index from the exports (minutes at 1M; later starts reuse it), and
  // the gateways then start while every region builds its first membership filter.
  const startWaitMs = persons > 100_000 ? 15 * 60_000 : undefined;
  const filters = opts.filters ?? true;
  const regions = await startRegions(data.dir, work, undefined, {
    readyTimeoutMs: startWaitMs,
    // Each region's filter sized for what it holds (about 2 keys a person and plates), so no second build runs during the rounds.
    env: filters ? { SUBGRAPH_FILTER_CAPACITY: String(Math.max(1000, 3 * persons)) } : { SUBGRAPH_FILTERS: 'off' },
  });
  const running: Running[] = [];
  try {
    const js = regions.regions.find((r) => r.code === 'JS')!;
    const [plain, liandong, cached, unaudited] = await startAll(running, [
      () => startPlainGateway(work, js),
      () =>
        startLiandong({
          name: 'liandong',
          template: 'regional',
          readyTimeoutMs: startWaitMs,
          work,
          regions: regions.regions,
          sections: { cache: { enabled: false } },
        }),
      () =>
        startLiandong({
          name: 'liandong-cached',
          template: 'regional',
          readyTimeoutMs: startWaitMs,
          work,
          regions: regions.regions,
          sections: { cache: { enabled: true, store: 'memory' } },
        }),
      // The audit's cost: the same gateway with the sink off (development mode only).
      () =>
        startLiandong({
          name: 'liandong-audit-off',
          template: 'regional',
          readyTimeoutMs: startWaitMs,
          work,
          regions: regions.regions,
          sections: { cache: { enabled: false }, audit: { sink: 'off' } },
        }),
    ]);
    const headers = await officerHeaders(join(work, 'keys'));
    const sign = await internalSigner(join(work, 'keys'));
    // Every process behind a lookup, charged per request beside the gateway: each region's subgraph and GZ's legacy stand-in.
    const charged = Object.fromEntries(regions.processes.map((p) => [p.name, p.pid]));
    // A region's membership filter is built in the background at start (~30 s at 1M): measure after, not during, it.
    // At 1M a region pages its whole system for its first filter (GZ over its legacy HTTP), which takes minutes on a busy machine.
    const filterWaitMs = persons > 100_000 ? 15 * 60_000 : 120_000;
    const filtersReady = filters
      ? await Promise.all([liandong, cached, unaudited].map((g) => filtersTrusted(g.url, ['JS', 'GZ', 'HB'], opts.log, filterWaitMs)))
      : [false];
    const all = personLookup(person);
    const oneRegion = personLookup(person, ['JS']);
    const many = await samplePersons(data.dir, MANY_PERSONS);
    const manyBodies = many.map((p) => personLookup(p.idNumber));
    const contenders: Contender[] = [
      {
        name: '(a) subgraph JS direct',
        url: `${js.url}/index`,
        // The region's own CPU per request (its column is the subgraph's, not a gateway's).
        pid: regions.processes.find((p) => p.name === 'subgraph JS')?.pid,
        body: personLookupIndexOnly(person),
        perRequestHeaders: (body) => sign('JS', 'index', body),
      },
      { name: '(b) apollo-gateway (JS)', url: plain.url, pid: plain.pid, body: oneRegion },
      { name: '(c1) liandong (JS only)', url: liandong.url, pid: liandong.pid, headers, body: oneRegion, charged },
      { name: '(c) liandong 3 regions', url: liandong.url, pid: liandong.pid, headers, body: all, charged },
      { name: '(d) liandong 3 regions cached', url: cached.url, pid: cached.pid, headers, body: all, charged },
      { name: '(c-off) liandong 3 regions, audit off', url: unaudited.url, pid: unaudited.pid, headers, body: all, charged },
      // Many persons as the data holds them (most by one region): each lookup asks only its holders when the filters are on.
      { name: '(e) liandong many persons', url: liandong.url, pid: liandong.pid, headers, bodies: manyBodies, charged },
    ];
    await bodyOf(contenders[0].url, contenders[0].body!, contenders[0].perRequestHeaders!(contenders[0].body!));
    const measured = contenders.filter(
      (c) => !opts.only || c.name.startsWith('(b) ') || opts.only.some((o) => c.name.startsWith(`(${o}) `)),
    );
    const plainAnswer = await bodyOf(plain.url, oneRegion);
    await checkResponse('liandong (JS only)', liandong.url, oneRegion, plainAnswer, headers);
    const fullAnswer = dataOnly(await bodyOf(liandong.url, all, headers));
    await checkResponse('liandong cached', cached.url, all, fullAnswer, headers);
    const authEnforced = await refusesAnonymous(liandong.url, all);
    await checkHolders(liandong.url, many.slice(0, 200), headers);
    opts.log(
      `workload 2 (regional, ${persons} persons per region): response check passed; person ${person} in ${fullAnswer.match(/"regions":\[[^\]]*\]/)?.[0]}; anonymous refused: ${authEnforced}; ${filters ? `filters trusted: ${filtersReady.every(Boolean)}` : 'membership filters off (--regional-filters off)'}`,
    );
    const recordsPerRegion: Record<string, number> = {};
    for (const id of fullAnswer.match(/"id":"[A-Z]+:/g) ?? []) {
      const region = id.slice(6, -1);
      recordsPerRegion[region] = (recordsPerRegion[region] ?? 0) + 1;
    }
    const subgraphRequests = await fetchesPerLookup(liandong.url, Array(20).fill(all), headers);
    opts.log(
      `  one (c) lookup: records per region ${JSON.stringify(recordsPerRegion)}; subgraph requests (region part status: per lookup) ${JSON.stringify(subgraphRequests)}`,
    );
    const manyRequests = await fetchesPerLookup(liandong.url, manyBodies.slice(0, 200), headers);
    const manyHolders = holdersHistogram(many);
    opts.log(
      `  (e) ${many.length} persons, by how many regions hold each ${JSON.stringify(manyHolders)}; subgraph fetches per lookup ${JSON.stringify(manyRequests)} (${sumSent(manyRequests).toFixed(2)} requests sent, skipped ones not)`,
    );
    // What each process spends with no request at all (change-feed polls, filter fetches, timers): at a low
    // request rate it is a large part of "CPU per request", so the budget is also given net of it.
    const idleMsPerSecond = await idleCpu({ gateway: liandong.pid, ...charged });
    opts.log(
      `  idle CPU ms per second (no load): ${JSON.stringify(Object.fromEntries(Object.entries(idleMsPerSecond).map(([k, v]) => [k, Number(v.toFixed(1))])))}`,
    );
    const summary = await runRounds(
      {
        contenders: measured,
        reference: '(b) apollo-gateway (JS)',
        body: all,
        connections: opts.connections,
        seconds: opts.seconds,
        rounds: opts.rounds,
        warmupSeconds: opts.warmupSeconds,
      },
      opts.log,
    );
    const audited = summary['(c) liandong 3 regions'];
    const unauditedSummary = summary['(c-off) liandong 3 regions, audit off'];
    const audit = audited &&
      unauditedSummary && {
        // Within-round ratios are in perRound; these are the medians' comparison.
        throughputOnVsOff: audited.rps / unauditedSummary.rps,
        p50AddedMs: audited.p50 - unauditedSummary.p50,
        cpuAddedMsPerRequest:
          audited.cpuPerRequestMs !== null && unauditedSummary.cpuPerRequestMs !== null
            ? audited.cpuPerRequestMs - unauditedSummary.cpuPerRequestMs
            : null,
      };
    if (audit)
      opts.log(
        `  audit on vs off: throughput ${(audit.throughputOnVsOff * 100).toFixed(0)}%, p50 added ${audit.p50AddedMs.toFixed(1)} ms, CPU added ${audit.cpuAddedMsPerRequest?.toFixed(3) ?? '-'} ms/request`,
      );
    const budget = audited && cpuBudget('(c)', audited, idleMsPerSecond, opts.log);
    const manyBudget =
      summary['(e) liandong many persons'] && cpuBudget('(e)', summary['(e) liandong many persons'], idleMsPerSecond, opts.log);
    const singleClient = await oneAtATime(
      measured.filter((c) => c.name.startsWith('(c) ') || c.name.startsWith('(d) ') || c.name.startsWith('(e) ')),
      opts,
    );
    for (const [name, r] of Object.entries(singleClient))
      opts.log(`  one client at a time, ${name}: p50 ${r.p50} ms, p99 ${r.p99} ms (${r.rps.toFixed(0)} req/s)`);
    return {
      personsPerRegion: persons,
      idNumber: person,
      authEnforced,
      membershipFilters: filters,
      filtersTrusted: filtersReady.every(Boolean),
      recordsPerRegion,
      subgraphRequestsPerLookup: subgraphRequests,
      manyPersons: { sampled: many.length, holders: manyHolders, subgraphRequestsPerLookup: manyRequests, cpuBudget: manyBudget },
      cpuBudget: budget,
      contenders: summary,
      audit,
      singleClient,
    };
  } finally {
    for (const r of running) await r.stop();
    await regions.stop();
  }
}

/**
 * Where the CPU of one uncached lookup (c) goes: the gateway and each process behind it, in
 * ms per lookup, and the throughput that sum allows on this machine's cores (every process
 * shares them, so that is the ceiling whatever the concurrency).
 */
function cpuBudget(
  label: string,
  c: { rps: number; cpuPerRequestMs: number | null; cpuPerRequestMsBy?: Record<string, number | null> },
  idleMsPerSecond: Record<string, number>,
  log: (line: string) => void,
) {
  const parts: Record<string, number | null> = { gateway: c.cpuPerRequestMs, ...c.cpuPerRequestMsBy };
  // Net of what the process spends idle anyway, spread over the requests of a second (never below zero).
  const net = Object.fromEntries(
    Object.entries(parts).map(([name, ms]) => [
      name,
      ms === null || !c.rps ? null : Math.max(0, ms - (idleMsPerSecond[name] ?? 0) / c.rps),
    ]),
  );
  const sum = (values: Record<string, number | null>) => {
    const known = Object.values(values).filter((v): v is number => typeof v === 'number');
    return known.length === Object.keys(values).length ? known.reduce((a, b) => a + b, 0) : null;
  };
  const totalMs = sum(parts);
  const netTotalMs = sum(net);
  const cores = cpus().length;
  const ceiling = (ms: number | null) => (ms ? (cores * 1000) / ms : null);
  const show = (values: Record<string, number | null>) =>
    Object.entries(values)
      .map(([name, ms]) => `${name} ${ms?.toFixed(2) ?? '-'}`)
      .join(', ');
  log(
    `  CPU ms per ${label} lookup: ${show(parts)}; total ${totalMs?.toFixed(2) ?? '-'} → ceiling ${ceiling(totalMs)?.toFixed(0) ?? '-'} req/s on ${cores} cores (1,000/s needs ≤ ${cores.toFixed(0)} ms in all)`,
  );
  log(
    `  the same net of idle CPU (at ${c.rps.toFixed(0)} req/s): ${show(net)}; total ${netTotalMs?.toFixed(2) ?? '-'} → ceiling ${ceiling(netTotalMs)?.toFixed(0) ?? '-'} req/s`,
  );
  return {
    msPerLookup: parts,
    totalMs,
    ceilingRps: ceiling(totalMs),
    idleMsPerSecond,
    netOfIdleMsPerLookup: net,
    netTotalMs,
    netCeilingRps: ceiling(netTotalMs),
    cores,
    totalMsFor1000PerSecond: cores,
  };
}

/** CPU ms per second of each process over a few seconds with no request sent. */
async function idleCpu(pids: Record<string, number>, seconds = 3): Promise<Record<string, number>> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, ((cpuSeconds(pid) - before[name]) * 1000) / elapsed]));
}
