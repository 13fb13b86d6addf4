/**
 * Workload 2 with tracing on vs off (`npm run bench -- --tracing`): the cross-region
 * person lookup (c) through two otherwise identical systems — gateway and three regional
 * subgraphs each — one with tracing off (the default), one with tracing on at sample
 * ratio 1 (every request traced: the worst case) exporting to a local OTLP/HTTP sink in
 * the bench process, and a third gateway at ratio 0.1 over the traced regions. Two systems, because a region follows the gateway's sampling only
 * when it traces at all. Interleaved rounds, ratio within each round, medians; then one
 * client at a time for the lookup's own latency.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkResponse } from '../lib/check.ts';
import { median, runLoad, type LoadResult } from '../lib/load.ts';
import { benchData } from '../lib/data.ts';
import { startLiandong } from '../lib/liandong.ts';
import { officerHeaders } from '../lib/officer.ts';
import { startAll, type Running } from '../lib/processes.ts';
import { startRegions, type StartedRegions } from '../lib/regions.ts';
import { runRounds, type Contender } from '../lib/rounds.ts';
import { startOtlpSink } from '../lib/otlp-sink.ts';
import type { WorkloadOptions } from '../peer/workload.ts';
import { personLookup } from './queries.ts';
import { REGIONAL_PERSONS } from './workload.ts';

const OFF = '(c) tracing off';
const ON = '(c-t) tracing on, ratio 1';
const TENTH = '(c-t10) tracing on, ratio 0.1';

export async function runTracingWorkload(opts: WorkloadOptions) {
  const work = mkdtempSync(join(tmpdir(), 'liandong-bench-tracing-'));
  const data = await benchData(REGIONAL_PERSONS, ['JS', 'GZ', 'HB'], opts.log);
  const person = data.scenarios.personInAllRegions.idNumber;
  const sink = await startOtlpSink();
  const regionSets: StartedRegions[] = [];
  const running: Running[] = [];
  try {
    regionSets.push(await startRegions(data.dir, work));
    regionSets.push(
      await startRegions(data.dir, work, ['JS', 'GZ', 'HB'], {
        logs: 'region-logs-traced',
        env: { SUBGRAPH_TRACING: 'true', SUBGRAPH_TRACING_OTLP_URL: sink.url },
      }),
    );
    const [plainRegions, tracedRegions] = regionSets;
    // The ratio-0.1 gateway shares the traced regions: they follow each request's sampling decision.
    const [off, on, tenth] = await startAll(running, [
      () =>
        startLiandong({
          name: 'liandong-tracing-off',
          template: 'regional',
          work,
          regions: plainRegions.regions,
          sections: { cache: { enabled: false } },
        }),
      () =>
        startLiandong({
          name: 'liandong-tracing-on',
          template: 'regional',
          work,
          regions: tracedRegions.regions,
          sections: { cache: { enabled: false }, tracing: { enabled: true, otlpUrl: sink.url, sampleRatio: 1 } },
        }),
      () =>
        startLiandong({
          name: 'liandong-tracing-tenth',
          template: 'regional',
          work,
          regions: tracedRegions.regions,
          sections: { cache: { enabled: false }, tracing: { enabled: true, otlpUrl: sink.url, sampleRatio: 0.1 } },
        }),
    ]);
    const headers = await officerHeaders(join(work, 'keys'));
    const body = personLookup(person);
    const reference = await fetch(off.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const referenceText = (await reference.text()).trim().replace(/,"extensions":.*}$/s, '}');
    if (reference.status !== 200 || referenceText.includes('"errors"'))
      throw new Error(`tracing-off reference answer not clean: ${referenceText.slice(0, 300)}`);
    await checkResponse('liandong tracing on', on.url, body, referenceText, headers);
    await checkResponse('liandong tracing on, ratio 0.1', tenth.url, body, referenceText, headers);
    const contenders: Contender[] = [
      { name: OFF, url: off.url, pid: off.pid, headers, body },
      { name: ON, url: on.url, pid: on.pid, headers, body },
      { name: TENTH, url: tenth.url, pid: tenth.pid, headers, body },
    ];
    const summary = await runRounds(
      {
        contenders,
        reference: OFF,
        body,
        connections: opts.connections,
        seconds: opts.seconds,
        rounds: opts.rounds,
        warmupSeconds: opts.warmupSeconds,
      },
      opts.log,
    );
    const single: Record<string, LoadResult[]> = { [OFF]: [], [ON]: [], [TENTH]: [] };
    for (let round = 0; round < Math.max(1, Math.ceil(opts.rounds / 2)); round++) {
      for (const c of contenders.map((_, i) => contenders[(i + round) % contenders.length])) {
        single[c.name].push(await runLoad({ url: c.url, body, headers, connections: 1, seconds: Math.min(opts.seconds, 10), pid: c.pid }));
      }
    }
    const singleClient = Object.fromEntries(
      Object.entries(single).map(([name, rs]) => [
        name,
        { p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), rps: median(rs.map((r) => r.rps)), perRound: rs },
      ]),
    );
    const overhead = {
      // Median of the within-round ratios (on ÷ off): below 1 means tracing costs throughput.
      throughputOnVsOff: summary[ON].ratioVsReference,
      p50OnMs: summary[ON].p50,
      p50OffMs: summary[OFF].p50,
      gatewayCpuMsPerRequestOn: summary[ON].cpuPerRequestMs,
      gatewayCpuMsPerRequestOff: summary[OFF].cpuPerRequestMs,
      oneClientP50OnMs: singleClient[ON].p50,
      oneClientP50OffMs: singleClient[OFF].p50,
      throughputTenthVsOff: summary[TENTH].ratioVsReference,
      p50TenthMs: summary[TENTH].p50,
      gatewayCpuMsPerRequestTenth: summary[TENTH].cpuPerRequestMs,
      oneClientP50TenthMs: singleClient[TENTH].p50,
      spansExported: sink.spans(),
    };
    opts.log(
      `  tracing on vs off: throughput ${(overhead.throughputOnVsOff * 100).toFixed(0)}% (median of within-round ratios), p50 ${overhead.p50OnMs} vs ${overhead.p50OffMs} ms at ${opts.connections} connections, ` +
        `one client p50 ${overhead.oneClientP50OnMs} vs ${overhead.oneClientP50OffMs} ms, gateway CPU ${overhead.gatewayCpuMsPerRequestOn?.toFixed(3) ?? '-'} vs ${overhead.gatewayCpuMsPerRequestOff?.toFixed(3) ?? '-'} ms/request; ` +
        `ratio 0.1: throughput ${(overhead.throughputTenthVsOff * 100).toFixed(0)}%, p50 ${overhead.p50TenthMs} ms, one client p50 ${overhead.oneClientP50TenthMs} ms, gateway CPU ${overhead.gatewayCpuMsPerRequestTenth?.toFixed(3) ?? '-'} ms/request; ${overhead.spansExported} spans reached the sink`,
    );
    return { personsPerRegion: REGIONAL_PERSONS, contenders: summary, singleClient, overhead };
  } finally {
    for (const r of running) await r.stop();
    for (const set of regionSets) await set.stop();
    await sink.close();
  }
}
