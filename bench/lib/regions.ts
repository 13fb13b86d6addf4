/**
 * The three real regions as processes, the way `npm start` runs them: the GZ legacy
 * stand-in, then one subgraph process per region (GZ's pointed at the stand-in), all
 * on free loopback ports, over one generated data set. Regions take the keys dir so
 * they trust the gateway's internal tokens when that check is wired in, and write their
 * disclosure logs into the run's own directory (`--logs`), never into the data set that
 * later runs reuse.
 */
import { join } from 'node:path';
import { freePort, startProcess, TSX, type Running } from './processes.ts';
import { profiledStartUpMs, profilingFlags, type BenchRegion } from './liandong.ts';
import { loadInternalSigningKey } from '../../common/security/internal-keys.ts';

export interface StartedRegions {
  regions: BenchRegion[];
  processes: Running[];
  stop(): Promise<void>;
  /** Stops region `code`'s subgraph and starts it again on the same port (the soak's planned restarts). */
  restart(code: string): Promise<Running>;
}

/** Extra flags and preloaded modules for every region process (the soak's probes). */
export interface RegionProcessOptions {
  nodeArgs?: string[];
  preload?: string[];
  /** Reaches every subgraph process (e.g. SUBGRAPH_TRACING_* for the tracing comparison). */
  env?: Record<string, string>;
  /** Under `work`; a second set of regions in one run needs its own (each region locks its disclosure log). */
  logs?: string;
  /** How long a region may take to start (default 60 s); HB's first start over 1M persons builds its index from the exports. */
  readyTimeoutMs?: number;
}

const printed = (line: string) => async (output: string) => output.includes(line);

export async function startRegions(
  dataDir: string,
  work: string,
  codes: readonly string[] = ['JS', 'GZ', 'HB'],
  options: RegionProcessOptions = {},
): Promise<StartedRegions> {
  const env = { LIANDONG_KEYS_DIR: join(work, 'keys'), LOG_LEVEL: 'warn', ...options.env };
  // Under `--profile` each region process writes its own CPU profile (bench/run.ts summarises them with the gateways').
  const node = (name: string) => [
    ...profilingFlags(name),
    ...(options.nodeArgs ?? []),
    ...TSX,
    ...(options.preload ?? []).flatMap((m) => ['--import', m]),
  ];
  const profiledStart = async (name: string, start: () => Promise<Running>) => {
    const spawned = Date.now();
    const running = await start();
    if (profilingFlags(name).length) profiledStartUpMs.set(name, Date.now() - spawned);
    return running;
  };
  const logs = join(work, options.logs ?? 'region-logs');
  // The gateway's internal key exists before any subgraph reads its public half.
  await loadInternalSigningKey(env.LIANDONG_KEYS_DIR);
  const processes: Running[] = [];
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop();
  };
  try {
    const settings: Record<string, string[]> = {};
    if (codes.includes('GZ')) {
      const port = await freePort();
      processes.push(
        await profiledStart('gz-standin', () =>
          startProcess(
            'GZ stand-in',
            process.execPath,
            [...node('gz-standin'), 'standins/gz/server.ts', '--port', String(port), '--data', dataDir],
            {
              url: `http://127.0.0.1:${port}`,
              ready: printed('listening on'),
              env,
            },
          ),
        ),
      );
      settings.GZ = ['--setting', `serviceUrl=http://127.0.0.1:${port}`];
    }
    // Started together: on a loaded machine start-up is most of a quick run's time.
    const regions: BenchRegion[] = [];
    const starters = new Map<string, () => Promise<Running>>();
    await Promise.all(
      codes.map(async (code) => {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const start = () =>
          startProcess(
            `subgraph ${code}`,
            process.execPath,
            [
              ...node(`region-${code}`),
              'subgraphs/main.ts',
              '--region',
              code,
              '--port',
              String(port),
              '--data',
              dataDir,
              '--logs',
              logs,
              ...(settings[code] ?? []),
            ],
            {
              url,
              ready: printed('listening on'),
              env,
              timeoutMs: options.readyTimeoutMs,
            },
          );
        starters.set(code, start);
        processes.push(await profiledStart(`region-${code}`, start));
        regions.push({ code, url });
      }),
    );
    regions.sort((a, b) => codes.indexOf(a.code) - codes.indexOf(b.code));
    const restart = async (code: string) => {
      const at = processes.findIndex((p) => p.name === `subgraph ${code}`);
      const start = starters.get(code);
      if (at < 0 || !start) throw new Error(`no region ${code} was started here (started: ${codes.join(', ')})`);
      await processes[at].stop();
      processes[at] = await start();
      return processes[at];
    };
    return { regions, processes, stop, restart };
  } catch (error) {
    await stop();
    throw error;
  }
}
