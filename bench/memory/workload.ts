/**
 * Workload 5, memory: Liandong over the three regions (authorisation, audit and cache
 * on) under the person-lookup load for a fixed time, in slices. Before the load and
 * after each slice the gateway's RSS is read from /proc and its heap after a full GC
 * from the preloaded probe (memory/gc-probe.ts); a leak shows as heap-after-GC rising
 * slice after slice, which the report's slope measures.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchData } from '../lib/data.ts';
import { startLiandong } from '../lib/liandong.ts';
import { runLoad } from '../lib/load.ts';
import { officerHeaders } from '../lib/officer.ts';
import { rssMiB } from '../lib/processes.ts';
import { startRegions } from '../lib/regions.ts';
import type { WorkloadOptions } from '../peer/workload.ts';
import { personLookup } from '../regional/queries.ts';
import { REGIONAL_PERSONS } from '../regional/workload.ts';

const MiB = 1024 * 1024;

interface Sample {
  afterSeconds: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

export async function heapAfterGc(pid: number, file: string): Promise<{ heapUsed: number; heapTotal: number; external: number }> {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 10_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline)
      throw new Error(
        `the gateway (pid ${pid}) wrote no heap figures to ${file} within 10 s of SIGUSR2; is bench/memory/gc-probe.ts preloaded?`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 20)); // the write is synchronous but may be mid-flight
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Least-squares slope of heap-after-GC over the load's slices, in MiB per minute. */
function slopePerMinute(samples: Sample[]): number {
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.afterSeconds, 0) / n;
  const my = samples.reduce((a, s) => a + s.heapUsedMiB, 0) / n;
  const num = samples.reduce((a, s) => a + (s.afterSeconds - mx) * (s.heapUsedMiB - my), 0);
  const den = samples.reduce((a, s) => a + (s.afterSeconds - mx) ** 2, 0);
  return den ? (num / den) * 60 : 0;
}

export async function runMemoryWorkload(opts: WorkloadOptions & { loadSeconds: number; slices: number }) {
  const work = mkdtempSync(join(tmpdir(), 'liandong-bench-memory-'));
  const data = await benchData(REGIONAL_PERSONS, ['JS', 'GZ', 'HB'], opts.log);
  const regions = await startRegions(data.dir, work);
  const heapFile = join(work, 'heap.json');
  const gateway = await startLiandong({
    name: 'liandong-memory',
    template: 'regional',
    work,
    regions: regions.regions,
    sections: { cache: { enabled: true, store: 'memory' } },
    nodeArgs: ['--expose-gc'],
    preload: ['./bench/memory/gc-probe.ts'],
    env: { BENCH_HEAP_FILE: heapFile },
  });
  try {
    const headers = await officerHeaders(join(work, 'keys'));
    const body = personLookup(data.scenarios.personInAllRegions.idNumber);
    const sample = async (afterSeconds: number): Promise<Sample> => {
      const heap = await heapAfterGc(gateway.pid, heapFile);
      return {
        afterSeconds,
        rssMiB: rssMiB(gateway.pid),
        heapUsedMiB: heap.heapUsed / MiB,
        heapTotalMiB: heap.heapTotal / MiB,
        externalMiB: heap.external / MiB,
      };
    };
    await runLoad({ url: gateway.url, body, headers, connections: opts.connections, seconds: opts.warmupSeconds });
    const samples = [await sample(0)];
    const slice = opts.loadSeconds / opts.slices;
    let requests = 0;
    for (let i = 1; i <= opts.slices; i++) {
      const r = await runLoad({ url: gateway.url, body, headers, connections: opts.connections, seconds: slice });
      requests += r.requests;
      samples.push(await sample(i * slice));
      const s = samples.at(-1)!;
      opts.log(
        `  after ${s.afterSeconds.toFixed(0).padStart(3)} s: RSS ${s.rssMiB.toFixed(1)} MiB, heap after GC ${s.heapUsedMiB.toFixed(1)} MiB (${r.rps.toFixed(0)} req/s)`,
      );
    }
    return {
      method:
        'RSS from /proc/<pid>/status; heap via --expose-gc and a preloaded probe (SIGUSR2 → gc() twice → process.memoryUsage() to a file)',
      loadSeconds: opts.loadSeconds,
      requests,
      samples,
      rssBeforeMiB: samples[0].rssMiB,
      rssAfterMiB: samples.at(-1)!.rssMiB,
      heapBeforeMiB: samples[0].heapUsedMiB,
      heapAfterMiB: samples.at(-1)!.heapUsedMiB,
      heapSlopeMiBPerMinute: slopePerMinute(samples.slice(1)),
    };
  } finally {
    await gateway.stop();
    await regions.stop();
  }
}
