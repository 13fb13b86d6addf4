/**
 * `npm run bench` — the benchmark report. `--quick` keeps it under two minutes;
 * `--only 1,2` runs some workloads; `--profile` runs every Liandong gateway under
 * `--cpu-prof` and reports each one's top self-time functions and packages per workload;
 * `--tracing` runs workload 2 as tracing on vs off (regional/tracing.ts); `--compare-executors`
 * adds to workload 1 a Liandong gateway on @apollo/gateway's executor beside the one on its own.
 * Everything runs on 127.0.0.1 and stops by itself.
 * Prints a table and writes bench/results/latest.json.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { profiledStartUpMs, profileLiandongInto } from './lib/liandong.ts';
import { hotFunctions, hotPackages, profilesIn } from './lib/profile.ts';
import { runPeerWorkload } from './peer/workload.ts';
import { runRegionalWorkload } from './regional/workload.ts';
import { runTracingWorkload } from './regional/tracing.ts';
import { runFanoutWorkload } from './fanout/workload.ts';
import { runFilterSizeWorkload } from './fanout/filter-size.ts';
import { runScaleWorkload } from './scale/workload.ts';
import { runMemoryWorkload } from './memory/workload.ts';
import { runIntakeWorkload } from './intake/workload.ts';
import { runSoak } from './soak/workload.ts';
import { runLiveWorkload } from './live/workload.ts';
import { runAssistanceWorkload } from './assistance/workload.ts';
import { printRounds, printRows } from './lib/table.ts';

const quick = process.argv.includes('--quick');
const soak = process.argv.includes('--soak');
// --tracing: workload 2 runs as tracing on vs off (regional/tracing.ts) instead of its usual contenders.
const tracing = process.argv.includes('--tracing');
const onlyArg = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const only = onlyArg ? new Set(onlyArg.split(',')) : null;
const wanted = (n: string) => !only || only.has(n);
const log = (line: string) => console.log(line);
const began = Date.now();
const wallSeconds: Record<string, number> = {};
/** Wall time per workload, so a slow quick run shows where its two minutes went. */
const timed = async <T>(n: string, run: () => Promise<T>): Promise<T> => {
  const t = Date.now();
  try {
    return await run();
  } finally {
    wallSeconds[n] = (Date.now() - t) / 1000;
  }
};

const timing = quick
  ? { seconds: 2, rounds: 2, connections: 50, warmupSeconds: 1 }
  : { seconds: 15, rounds: 5, connections: 50, warmupSeconds: 5 };

const report: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  cpuCount: cpus().length,
  cpuModel: cpus()[0]?.model,
  node: process.version,
  quick,
  timing,
  // The machine is shared: the load average says how much the figures can be trusted.
  loadAverageAtStart: loadavg(),
};

// --profile: every Liandong gateway runs under `node --cpu-prof`; each workload's profiles are summarised after it.
const profileRoot = process.argv.includes('--profile') ? mkdtempSync(join(tmpdir(), 'liandong-bench-prof-')) : null;
const profiles: Record<string, Record<string, unknown>> = {};
if (profileRoot) report.profiles = profiles;

/** Runs workload `n` with its gateways' profiles (if any) in a folder of its own, then summarises them. */
async function profiled<T>(n: string, run: () => Promise<T>): Promise<T> {
  const dir = profileRoot ? join(profileRoot, `workload-${n}`) : null;
  profileLiandongInto(dir);
  try {
    return await timed(n, run);
  } finally {
    profileLiandongInto(null);
    if (dir && existsSync(dir)) summariseProfiles(n, dir);
  }
}

function summariseProfiles(n: string, dir: string): void {
  profiles[n] = {};
  for (const gateway of readdirSync(dir)) {
    const file = profilesIn(join(dir, gateway))[0];
    if (!file) continue;
    const skipMs = profiledStartUpMs.get(gateway) ?? 0;
    profiles[n][gateway] = {
      file,
      startUpMsLeftOut: skipMs,
      functions: hotFunctions(file, 25, skipMs),
      packages: hotPackages(file, 12, skipMs),
    };
    log(`workload ${n}, ${gateway}: CPU profile ${file} (first ${skipMs} ms, start-up, left out), top self time:`);
    printRows(
      Object.fromEntries(
        hotFunctions(file, 12, skipMs).map((f, i) => [i + 1, { function: f.fn, where: f.where, 'self %': f.share * 100 }]),
      ),
    );
    printRows(Object.fromEntries(hotPackages(file, 8, skipMs).map((p) => [p.where, { 'self %': p.share * 100 }])));
  }
}

if (soak) {
  const minutesArg = process.argv.includes('--soak-minutes') ? process.argv[process.argv.indexOf('--soak-minutes') + 1] : '30';
  const minutes = Number(minutesArg);
  if (!Number.isFinite(minutes) || minutes < 1 || minutes > 24 * 60)
    throw new Error(`--soak-minutes must be a number of minutes from 1 to 1440, got ${minutesArg}`);
  log(`== soak: ${minutes} minutes of mixed load, HB export refreshes and JS restarts ==`);
  const s = await timed('soak', () => runSoak({ minutes, log }));
  report.soak = s;
  log(
    `requests ${s.requests} (lookups ${s.lookups}, searches ${s.searches}); errors ${s.errors} outside planned restarts, ${s.errorsInRestarts} inside; audit records ${s.auditRecords} (${s.auditMatchesRequests ? '= requests' : 'NOT = requests'})`,
  );
  for (const line of [...s.events, ...s.errorSamples]) log(`  ${line}`);
  printRows(
    Object.fromEntries(
      Object.entries(s.summary).map(([name, f]) => [
        name,
        {
          'RSS first MiB': f.rssFirstMiB,
          'RSS last MiB': f.rssLastMiB,
          'RSS slope MiB/min': f.rssSlopeMiBPerMin,
          'heap first MiB': f.heapFirstMiB,
          'heap last MiB': f.heapLastMiB,
          'heap slope MiB/min': f.heapSlopeMiBPerMin,
          'loop p99 ms (worst window)': f.loopP99MaxMs,
          'loop max ms': f.loopMaxMs,
        },
      ]),
    ),
  );
}

if (!soak && wanted('1')) {
  log('== workload 1: public gateway benchmark (bench-peer) ==');
  const compareExecutors = process.argv.includes('--compare-executors');
  const w1 = await profiled('1', () => runPeerWorkload({ ...timing, log, compareExecutors }));
  report.peer = w1;
  report.ratioVsApolloGateway = w1.ratioVsApolloGateway;
  printRounds(w1.contenders, 'apollo');
}

if (!soak && wanted('2') && tracing) {
  log('== workload 2, tracing on vs off: cross-region person lookup ==');
  const w2t = await profiled('2', () => runTracingWorkload({ ...timing, seconds: quick ? 2 : timing.seconds, log }));
  report.regionalTracing = w2t;
  printRounds(w2t.contenders, '(c) tracing off');
  printRows(
    Object.fromEntries(
      Object.entries(w2t.singleClient).map(([k, r]) => [`${k}, one client`, { 'p50 ms': r.p50, 'p99 ms': r.p99, 'req/s': r.rps }]),
    ),
  );
} else if (!soak && wanted('2')) {
  log('== workload 2: cross-region person lookup ==');
  // --regional-persons N: the lookup over N persons per region (default 10,000; #15's target is 1,000,000).
  const personsArg = process.argv.includes('--regional-persons') ? process.argv[process.argv.indexOf('--regional-persons') + 1] : undefined;
  const persons = personsArg === undefined ? undefined : Number(personsArg.replaceAll('_', ''));
  // --regional-filters off: the regions publish no membership filter (their first build at 1M outlasts a run).
  const filtersArg = process.argv.includes('--regional-filters') ? process.argv[process.argv.indexOf('--regional-filters') + 1] : 'on';
  if (filtersArg !== 'on' && filtersArg !== 'off') throw new Error(`--regional-filters must be on or off, got ${filtersArg}`);
  // --regional-contenders e,c: only these contenders beside the reference (b), e.g. to profile one path.
  const contendersArg = process.argv.includes('--regional-contenders')
    ? process.argv[process.argv.indexOf('--regional-contenders') + 1]
    : undefined;
  const only = contendersArg?.split(',').map((c) => c.trim());
  const known = ['a', 'c1', 'c', 'd', 'c-off', 'e'];
  const unknown = only?.filter((c) => !known.includes(c)) ?? [];
  if (unknown.length > 0) throw new Error(`--regional-contenders: unknown ${unknown.join(', ')}; expected some of ${known.join(', ')}`);
  const w2 = await profiled('2', () =>
    runRegionalWorkload({ ...timing, seconds: quick ? 2 : timing.seconds, persons, filters: filtersArg === 'on', only, log }),
  );
  report.regional = w2;
  printRounds(w2.contenders, '(b)');
  printRows(
    Object.fromEntries(
      Object.entries(w2.singleClient).map(([k, r]) => [`${k}, one client`, { 'p50 ms': r.p50, 'p99 ms': r.p99, 'req/s': r.rps }]),
    ),
  );
}

if (!soak && wanted('3')) {
  log('== workload 3: fan-out scaling ==');
  const sizes = quick ? [3, 8] : [3, 8, 16, 32];
  const w3 = await profiled('3', () => runFanoutWorkload({ ...timing, seconds: quick ? 1 : 8, sizes, log }));
  // The membership filter of one region at scale: size, build time, measured false positives, memory for 32.
  const filters = await runFilterSizeWorkload({ persons: quick ? 100_000 : 1_000_000, log });
  report.fanout = { ...w3, filters };
  printRows(
    Object.fromEntries(
      Object.entries(w3.results).map(([k, r]) => [
        k,
        {
          'req/s': r.rps as number,
          'p50 ms': r.p50 as number,
          'p99 ms': r.p99 as number,
          'floor p50': r.floorP50 as number,
          '+p50 over floor': r.addedP50 as number,
          'gw CPU ms': r.cpuPerRequestMs as number,
          'regions CPU ms': r.regionsCpuPerRequestMs as number,
          'CPU ceiling req/s': r.cpuCeilingRps as number,
          errors: r.errors as number,
        },
      ]),
    ),
  );
  log('workload 3, one client at a time (no queueing):');
  printRows(
    Object.fromEntries(
      Object.entries(w3.singleClient).map(([k, r]) => [
        k,
        {
          'p50 ms': r.p50 as number,
          'p99 ms': r.p99 as number,
          'floor p50': r.floorP50 as number,
          '+p50 over floor': r.addedP50 as number,
          'gw CPU ms': r.cpuPerRequestMs as number,
          'regions CPU ms': r.regionsCpuPerRequestMs as number,
        },
      ]),
    ),
  );
}

if (!soak && wanted('4')) {
  log('== workload 4: data scale (persons per region) ==');
  const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const w4 = await profiled('4', () => runScaleWorkload({ ...timing, seconds: quick ? 2 : 10, warmupSeconds: 1, sizes, log }));
  report.scale = w4;
  printRows(
    Object.fromEntries(
      sizes.map((n) => [
        n,
        {
          'lookup req/s': w4.results[n].lookup.rps,
          'lookup p50': w4.results[n].lookup.p50,
          'lookup p99': w4.results[n].lookup.p99,
          'search req/s': w4.results[n].search.rps,
          'search p50': w4.results[n].search.p50,
          'search p99': w4.results[n].search.p99,
          'lookup p50 ×': w4.ratios[n].lookupP50VsSmallest,
        },
      ]),
    ),
  );
}

if (!soak && wanted('5')) {
  log('== workload 5: gateway memory under load ==');
  const w5 = await timed('5', () =>
    runMemoryWorkload({ ...timing, loadSeconds: quick ? 6 : 60, slices: quick ? 3 : 6, warmupSeconds: quick ? 1 : 5, log }),
  );
  report.memory = w5;
  printRows({
    gateway: {
      'RSS before MiB': w5.rssBeforeMiB,
      'RSS after MiB': w5.rssAfterMiB,
      'heap before MiB': w5.heapBeforeMiB,
      'heap after MiB': w5.heapAfterMiB,
      'heap slope MiB/min': w5.heapSlopeMiBPerMinute,
    },
  });
}

if (!soak && wanted('7')) {
  // --live-subscribers / --live-rate: a smaller run shows the latency floor on a busy machine.
  const arg = (name: string, fallback: number) =>
    process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
  const subscribers = arg('--live-subscribers', 1000);
  const changesPerSecond = arg('--live-rate', 50);
  if (!Number.isInteger(subscribers) || subscribers < 1 || subscribers > 5000 || !(changesPerSecond > 0 && changesPerSecond <= 500))
    throw new Error(`--live-subscribers must be 1–5000 and --live-rate 0–500 changes/s, got ${subscribers} and ${changesPerSecond}`);
  log(`== workload 7: live subscriptions (${subscribers} subscribers, ${changesPerSecond} changes/s) ==`);
  const w7 = await timed('7', () => runLiveWorkload({ subscribers, changesPerSecond, seconds: quick ? 10 : 30, log }));
  report.live = w7;
  printRows({
    [`${w7.subscribers} subscribers`]: {
      written: w7.changesWritten,
      delivered: w7.eventsDelivered,
      'p50 ms': w7.latencyMs.p50,
      'p99 ms': w7.latencyMs.p99,
      'CPU ms/event': w7.gatewayCpuMsPerEvent,
      'RSS before': w7.memory.before.rssMiB,
      'RSS with': w7.memory.underLoad.rssMiB,
      'RSS after': w7.memory.afterDisconnect.rssMiB,
      'heap before': w7.memory.before.heapMiB,
      'heap with': w7.memory.withSubscribers.heapMiB,
      'heap after': w7.memory.afterDisconnect.heapMiB,
    },
  });
}

if (!soak && wanted('8')) {
  log('== workload 8: assistance requests (requestAssistance and acceptAssistance latency, new and repeated) ==');
  const w8 = await timed('8', () => runAssistanceWorkload({ count: quick ? 20 : 200, log }));
  report.assistance = w8;
  printRows(
    Object.fromEntries(
      Object.entries(w8.results).flatMap(([region, r]) => [
        [`${region} new`, { 'p50 ms': r.created.p50, 'p99 ms': r.created.p99, 'max ms': r.created.max, n: r.created.n }],
        [`${region} retry`, { 'p50 ms': r.retried.p50, 'p99 ms': r.retried.p99, 'max ms': r.retried.max, n: r.retried.n }],
        [`${region} accept`, { 'p50 ms': r.accepted.p50, 'p99 ms': r.accepted.p99, 'max ms': r.accepted.max, n: r.accepted.n }],
        [
          `${region} accept again`,
          { 'p50 ms': r.acceptRepeated.p50, 'p99 ms': r.acceptRepeated.p99, 'max ms': r.acceptRepeated.max, n: r.acceptRepeated.n },
        ],
      ]),
    ),
  );
}

if (!soak && wanted('6')) {
  log('== workload 6: HB export intake under lookup load ==');
  const sizeArg = process.argv.includes('--intake-persons') ? Number(process.argv[process.argv.indexOf('--intake-persons') + 1]) : null;
  if (sizeArg !== null && (!Number.isInteger(sizeArg) || sizeArg < 1000))
    throw new Error(
      `--intake-persons must be an integer of at least 1000, got ${process.argv[process.argv.indexOf('--intake-persons') + 1]}`,
    );
  const persons = sizeArg ?? (quick ? 100_000 : 1_000_000);
  const w6 = await timed('6', () => runIntakeWorkload({ persons, log }));
  report.intake = w6;
  printRows({
    [`${persons} persons`]: {
      'intake s': w6.intakeSeconds,
      events: w6.changeEvents,
      'loop delay p50': w6.eventLoopDelayMs.p50,
      'loop delay p99': w6.eventLoopDelayMs.p99,
      'loop delay max': w6.eventLoopDelayMs.max,
      lookups: w6.lookups.answered,
      'lookup p99 ms': w6.lookups.p99Ms,
      'lookup max ms': w6.lookups.maxMs,
      failed: w6.lookups.failed,
    },
  });
}

report.finishedAt = new Date().toISOString();
report.loadAverageAtEnd = loadavg();
report.wallSeconds = { ...wallSeconds, total: (Date.now() - began) / 1000 };
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify(report, null, 2)}\n`);
log('wrote bench/results/latest.json');
process.exit(0);
