/**
 * Starts Liandong's gateway (gateway/main.ts) as a contender: its config comes from a
 * template in bench/config/ (`${WORK}` → the run's temp dir, `${NAME}` → the contender's
 * name, so keys, audit segments and the registry stay out of the working tree), with per-workload overrides of whole
 * sections, and a regions.json written for the regions the workload started.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcess, TSX, type Running } from './processes.ts';
import { GATEWAY_NODE_FLAGS } from '../../gateway/runtime-flags.ts';

export interface BenchRegion {
  code: string;
  url: string;
  settings?: Record<string, string | number | boolean>;
}

export interface LiandongSpec {
  name: string;
  /** bench/config/<template>.json */
  template: string;
  /** Temp dir of this run: keys, audit, config files. */
  work: string;
  /** Whole sections replacing the template's (e.g. `{ cache: { enabled: true } }`). */
  sections?: Record<string, unknown>;
  regions?: BenchRegion[];
  regionTimeoutMs?: number;
  supergraph?: string;
  /** Extra node flags, e.g. `--cpu-prof` or `--expose-gc`. */
  nodeArgs?: string[];
  /** Modules loaded (after tsx) before the gateway, e.g. the memory workload's GC probe. */
  preload?: string[];
  env?: Record<string, string>;
  /** How long the gateway may take to start (default 60 s; longer while large regions build their filters). */
  readyTimeoutMs?: number;
}

/** Set by `--profile`: every Liandong gateway then runs under `node --cpu-prof`, its profile in `<dir>/<name>/`. */
let profileDir: string | null = null;

export function profileLiandongInto(dir: string | null): void {
  profileDir = dir;
}

/** How long each profiled gateway took to start (ms): its profile's start-up part, left out of the summary. */
export const profiledStartUpMs = new Map<string, number>();

/**
 * The node flags that profile process `name` into its own folder while `--profile` is on (none otherwise);
 * the regions' processes use them too, so every process behind a lookup has a profile.
 */
export function profilingFlags(name: string): string[] {
  return profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, name)] : [];
}

export const answers =
  (url: string, headers: Record<string, string> = {}) =>
  async () =>
    (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{__typename}"}' }))
      .ok;

export async function startLiandong(spec: LiandongSpec): Promise<Running> {
  const port = await freePort();
  const config = join(spec.work, `${spec.name}.json`);
  const template = JSON.parse(
    readFileSync(`bench/config/${spec.template}.json`, 'utf8').replaceAll('${WORK}', spec.work).replaceAll('${NAME}', spec.name),
  );
  const regionsFile = join(spec.work, `${spec.name}-regions.json`);
  writeFileSync(
    regionsFile,
    JSON.stringify(
      {
        defaults: { timeoutMs: spec.regionTimeoutMs ?? 2000 },
        regions: (spec.regions ?? []).map((r) => ({
          code: r.code,
          name: r.code,
          url: r.url,
          ...(r.settings ? { settings: r.settings } : {}),
        })),
      },
      null,
      2,
    ),
  );
  writeFileSync(config, JSON.stringify({ ...template, regions: regionsFile, ...spec.sections }, null, 2));
  const preload = (spec.preload ?? []).flatMap((m) => ['--import', m]);
  const profiling = profilingFlags(spec.name);
  const args = [
    ...profiling,
    ...GATEWAY_NODE_FLAGS,
    ...(spec.nodeArgs ?? []),
    ...TSX,
    ...preload,
    'gateway/main.ts',
    '--config',
    config,
    '--port',
    String(port),
  ];
  if (spec.supergraph) args.push('--supergraph', spec.supergraph);
  const url = `http://127.0.0.1:${port}/graphql`;
  const spawned = Date.now();
  const running = await startProcess(spec.name, process.execPath, args, {
    url,
    ready: async (output) => output.includes('gateway listening on'),
    timeoutMs: spec.readyTimeoutMs,
    env: { LOG_LEVEL: 'warn', LIANDONG_KEYS_DIR: join(spec.work, 'keys'), ...spec.env },
  });
  if (profileDir) profiledStartUpMs.set(spec.name, Date.now() - spawned);
  return running;
}
