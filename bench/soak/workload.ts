/**
 * The soak (`npm run bench -- --soak [--soak-minutes N]`, default 30): the whole system
 * (GZ stand-in, three regional subgraphs, one gateway with authorisation and audit on)
 * over a private copy of the 10k-person data set, for N minutes of
 * - mixed load: a few closed-loop clients sending cross-region person lookups (random
 *   persons of the ground truth) and name-prefix searches, each with a short pause;
 * - HB export refreshes: a new export (1% of persons renamed) published every few minutes,
 *   taken in by the HB subgraph while it serves;
 * - a planned restart of the JS subgraph every few minutes (SIGTERM, start again on the
 *   same port).
 * Reported: requests and errors (counted apart: a request in flight during a planned
 * restart's window — from the stop until 10 s after the region is back — whose only
 * errors are REGION_UNAVAILABLE for the restarted region, refused or circuit open;
 * any other error counts wherever it falls), RSS and heap after GC of
 * the gateway and each region at every sample with their slopes, event-loop delay p99
 * and max per sample window (a preloaded probe, probe.ts), and audit records written
 * against requests sent. Loopback only; every process is stopped at the end.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { republishHbExport } from '../../standins/hb/republish.ts';
import { benchData } from '../lib/data.ts';
import { startLiandong } from '../lib/liandong.ts';
import { officerHeaders } from '../lib/officer.ts';
import { rssMiB, type Running } from '../lib/processes.ts';
import { startRegions } from '../lib/regions.ts';
import { personLookup, personSearch } from '../regional/queries.ts';
import { REGIONAL_PERSONS } from '../regional/workload.ts';

const MiB = 1024 * 1024;
const CLIENTS = 4;
const PAUSE_MS = 5;
const RESTART_GRACE_MS = 10_000;
const PROBE = './bench/soak/probe.ts';
/** The region the soak restarts. */
const RESTARTED = 'JS';
/** Why a region is reported unavailable while it is stopped or starting: its port is closed, or its breaker open. */
const GONE_REASONS = new Set(['refused', 'circuit-open']);

interface SoakErrorExtensions {
  code?: string;
  region?: string;
  reason?: string;
}

function isRestartedRegionGone(ext: SoakErrorExtensions | undefined): boolean {
  return ext?.code === 'REGION_UNAVAILABLE' && ext.region === RESTARTED && GONE_REASONS.has(ext.reason ?? '');
}

function describeError(message: string, ext: SoakErrorExtensions | undefined): string {
  if (!ext?.code) return message;
  return `${ext.code}${ext.region ? ` (${ext.region}${ext.reason ? `: ${ext.reason}` : ''})` : ''}`;
}

interface ProcessSample {
  pid: number;
  afterMinutes: number;
  rssMiB: number;
  heapUsedMiB: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

export interface SoakOptions {
  minutes: number;
  log: (line: string) => void;
}

function slopePerMinute(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den ? Math.round((num / den) * 1000) / 1000 : 0;
}

async function probe(running: Running, dir: string): Promise<{ heapUsed: number; loop: { p99Ms: number; maxMs: number } } | null> {
  const file = join(dir, `${running.pid}.json`);
  rmSync(file, { force: true });
  try {
    process.kill(running.pid, 'SIGUSR2');
  } catch {
    return null; // it is being restarted
  }
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    // probe.ts renames a complete file into place.
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/**
 * Audit records (`"type":"audit"`) in the gateway's audit log segments (`*.jsonl`, not
 * the checkpoint and operations side files, nor the query index).
 */
function auditRecords(dir: string): number {
  let count = 0;
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.jsonl') && !/-(checkpoints|operations)\.jsonl$/.test(name)) {
        for (const line of readFileSync(full, 'utf8').split('\n')) if (line.includes('"type":"audit"')) count++;
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return count;
}

export async function runSoak(opts: SoakOptions) {
  const work = mkdtempSync(join(tmpdir(), 'liandong-bench-soak-'));
  const probeDir = join(work, 'probe');
  mkdirSync(probeDir);
  const source = await benchData(REGIONAL_PERSONS, ['JS', 'GZ', 'HB'], opts.log);
  // A private copy: HB refreshes publish new exports into it; the cached data set stays as it is.
  const dataDir = join(work, 'data');
  cpSync(source.dir, dataDir, { recursive: true, filter: (path) => !path.includes(join('hb', 'index')) });
  const idNumbers = readFileSync(join(dataDir, 'ground-truth.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { idNumber: string }).idNumber);
  const names = ['王', '李', '張', '劉', '陳', '楊'];
  const probeEnv = { BENCH_PROBE_DIR: probeDir };
  const regions = await startRegions(dataDir, work, ['JS', 'GZ', 'HB'], { nodeArgs: ['--expose-gc'], preload: [PROBE], env: probeEnv });
  const gateway = await startLiandong({
    name: 'liandong-soak',
    template: 'regional',
    work,
    regions: regions.regions,
    nodeArgs: ['--expose-gc'],
    preload: [PROBE],
    env: probeEnv,
  });
  const began = Date.now();
  const minutesSince = () => (Date.now() - began) / 60_000;
  const durationMs = opts.minutes * 60_000;
  const restartEveryMs = Math.min(5, Math.max(1, opts.minutes / 5)) * 60_000;
  const refreshEveryMs = Math.min(3, Math.max(0.5, opts.minutes / 8)) * 60_000;
  const sampleEveryMs = Math.min(60_000, Math.max(15_000, durationMs / 12));

  const counts = { requests: 0, errors: 0, errorsInRestarts: 0, lookups: 0, searches: 0 };
  const errorSamples: string[] = [];
  const restartWindows: { from: number; to: number }[] = [];
  const overlapsRestart = (sent: number, answered: number) => restartWindows.some((w) => answered >= w.from && sent <= w.to);
  const events: string[] = [];
  const samples: Record<string, ProcessSample[]> = {};
  const loadAverages: { afterMinutes: number; loadAverage: number[] }[] = [];
  try {
    const headers = { 'content-type': 'application/json', ...(await officerHeaders(join(work, 'keys'))) };
    let running = true;
    const client = async (seed: number) => {
      for (let i = seed; running; i += CLIENTS) {
        const search = i % 5 === 0;
        const body = search ? personSearch(names[i % names.length]) : personLookup(idNumbers[(i * 7919) % idNumbers.length]);
        counts.requests++;
        if (search) counts.searches++;
        else counts.lookups++;
        const sent = Date.now();
        let problem: string | null = null;
        let onlyRestartedRegionGone = false;
        try {
          const response = await fetch(gateway.url, { method: 'POST', headers, body });
          const json = (await response.json()) as { errors?: { message: string; extensions?: SoakErrorExtensions }[] };
          if (response.status !== 200) problem = `HTTP ${response.status}`;
          else if (json.errors?.length) {
            problem = json.errors.map((e) => describeError(e.message, e.extensions)).join(',');
            onlyRestartedRegionGone = json.errors.every((e) => isRestartedRegionGone(e.extensions));
          }
        } catch (error) {
          problem = (error as Error).message;
        }
        if (problem) {
          // Planned: the restarted region reported gone by a request in flight while it was
          // down. Anything else (a reset, a timeout, another region) is an error wherever it falls.
          if (onlyRestartedRegionGone && overlapsRestart(sent, Date.now())) counts.errorsInRestarts++;
          else {
            counts.errors++;
            if (errorSamples.length < 20)
              errorSamples.push(
                `${new Date(sent).toISOString()} ${search ? 'search' : 'lookup'} (answered after ${Date.now() - sent} ms): ${problem}`,
              );
          }
        }
        await new Promise((r) => setTimeout(r, PAUSE_MS));
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));

    const sample = async () => {
      const all: [string, Running][] = [['gateway', gateway], ...regions.processes.map((p) => [p.name, p] as [string, Running])];
      for (const [name, proc] of all) {
        const figures = await probe(proc, probeDir);
        if (!figures) continue;
        (samples[name] ??= []).push({
          pid: proc.pid,
          afterMinutes: Math.round(minutesSince() * 100) / 100,
          rssMiB: Math.round(rssMiB(proc.pid) * 10) / 10,
          heapUsedMiB: Math.round((figures.heapUsed / MiB) * 10) / 10,
          loopP99Ms: Math.round(figures.loop.p99Ms * 10) / 10,
          loopMaxMs: Math.round(figures.loop.maxMs * 10) / 10,
        });
      }
      // The machine is shared: each sample says how loaded it was (1, 5, 15 min averages).
      loadAverages.push({
        afterMinutes: Math.round(minutesSince() * 100) / 100,
        loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      });
      const g = samples.gateway?.at(-1);
      opts.log(
        `  ${minutesSince().toFixed(1)} min: ${counts.requests} requests, ${counts.errors} errors (+${counts.errorsInRestarts} in restarts)${g ? `; gateway RSS ${g.rssMiB} MiB, heap ${g.heapUsedMiB} MiB, loop p99 ${g.loopP99Ms} ms` : ''}; load ${loadAverages.at(-1)!.loadAverage[0]}`,
      );
    };

    let nextRestart = began + restartEveryMs;
    let nextRefresh = began + refreshEveryMs;
    let nextSample = began + sampleEveryMs;
    let night = Date.parse('2026-12-01T18:00:00Z');
    let refreshes = 0;
    await sample();
    while (Date.now() - began < durationMs) {
      const now = Date.now();
      if (now >= nextRefresh) {
        nextRefresh += refreshEveryMs;
        const round = ++refreshes;
        const name = await republishHbExport(dataDir, new Date((night += 86_400_000)), (entity, row, hdrs) => {
          if (entity !== 'persons' || !row[0].endsWith('00')) return row;
          const at = hdrs.indexOf('姓名');
          return row.map((value, i) => (i === at ? `${value.replace(/\d+$/, '')}${round}` : value));
        });
        events.push(`${minutesSince().toFixed(1)} min: HB export ${name} published`);
      }
      if (now >= nextRestart) {
        nextRestart += restartEveryMs;
        const window = { from: Date.now(), to: Number.POSITIVE_INFINITY };
        restartWindows.push(window);
        await regions.restart(RESTARTED);
        window.to = Date.now() + RESTART_GRACE_MS;
        events.push(
          `${minutesSince().toFixed(1)} min: ${RESTARTED} subgraph restarted (down ${new Date(window.from).toISOString()} – ${new Date(window.to - RESTART_GRACE_MS).toISOString()})`,
        );
      }
      if (now >= nextSample) {
        nextSample += sampleEveryMs;
        await sample();
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    running = false;
    await Promise.all(clients);
    await sample();
  } finally {
    await gateway.stop();
    await regions.stop();
  }
  // The gateway has flushed and closed its audit log on SIGTERM.
  const audit = auditRecords(join(work, 'audit-liandong-soak'));
  const summary = Object.fromEntries(
    Object.entries(samples).map(([name, list]) => {
      // A restarted process starts over: its slopes are over its last life (the last pid's samples).
      const life = list.filter((s) => s.pid === list.at(-1)!.pid);
      // Event-loop windows while serving: each life's first window covers its start-up (loading, compiling).
      const serving = list.filter((s, i) => i > 0 && list[i - 1].pid === s.pid);
      return [
        name,
        {
          rssFirstMiB: list[0].rssMiB,
          rssLastMiB: list.at(-1)!.rssMiB,
          heapFirstMiB: list[0].heapUsedMiB,
          heapLastMiB: list.at(-1)!.heapUsedMiB,
          restarts: new Set(list.map((s) => s.pid)).size - 1,
          rssSlopeMiBPerMin: slopePerMinute(life.slice(1).map((s) => ({ x: s.afterMinutes, y: s.rssMiB }))),
          heapSlopeMiBPerMin: slopePerMinute(life.slice(1).map((s) => ({ x: s.afterMinutes, y: s.heapUsedMiB }))),
          loopP99MaxMs: Math.max(...serving.map((s) => s.loopP99Ms)),
          loopMaxMs: Math.max(...serving.map((s) => s.loopMaxMs)),
        },
      ];
    }),
  );
  rmSync(work, { recursive: true, force: true });
  return {
    minutes: opts.minutes,
    clients: CLIENTS,
    ...counts,
    auditRecords: audit,
    auditMatchesRequests: audit === counts.requests,
    errorSamples,
    events,
    loadAverages,
    summary,
    samples,
  };
}
