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
import type { BenchRegion } from './liandong.ts';
import { loadInternalSigningKey } from '../../common/security/internal-keys.ts';

export interface StartedRegions {
  regions: BenchRegion[];
  processes: Running[];
  stop(): Promise<void>;
}

const printed = (line: string) => async (output: string) => output.includes(line);

export async function startRegions(dataDir: string, work: string, codes: readonly string[] = ['JS', 'GZ', 'HB']): Promise<StartedRegions> {
  const env = { LIANDONG_KEYS_DIR: join(work, 'keys'), LOG_LEVEL: 'warn' };
  // The gateway's internal key exists before any subgraph reads its public half.
  await loadInternalSigningKey(env.LIANDONG_KEYS_DIR);
  const processes: Running[] = [];
  const stop = async () => { for (const p of processes.reverse()) await p.stop(); };
  try {
    const settings: Record<string, string[]> = {};
    if (codes.includes('GZ')) {
      const port = await freePort();
      processes.push(await startProcess('GZ stand-in', process.execPath, [...TSX, 'standins/gz/server.ts', '--port', String(port), '--data', dataDir], {
        url: `http://127.0.0.1:${port}`, ready: printed('listening on'), env,
      }));
      settings.GZ = ['--setting', `serviceUrl=http://127.0.0.1:${port}`];
    }
    // Started together: on a loaded machine start-up is most of a quick run's time.
    const regions: BenchRegion[] = [];
    await Promise.all(codes.map(async (code) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      processes.push(await startProcess(`subgraph ${code}`, process.execPath, [...TSX, 'subgraphs/main.ts', '--region', code, '--port', String(port), '--data', dataDir, '--logs', join(work, 'region-logs'), ...(settings[code] ?? [])], {
        url, ready: printed('listening on'), env,
      }));
      regions.push({ code, url });
    }));
    regions.sort((a, b) => codes.indexOf(a.code) - codes.indexOf(b.code));
    return { regions, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
