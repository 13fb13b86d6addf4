/**
 * Generated data sets, made once and reused: `npm run seed` output under a cache dir
 * (LIANDONG_BENCH_DATA, default /tmp/liandong-bench-data), one folder per size and
 * region set. A folder counts as complete only once the generator wrote scenarios.json
 * (its last file), so an interrupted generation is redone rather than half-used; one made
 * by an older generator (another DATA_LAYOUT_VERSION) is made again.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { DATA_LAYOUT_VERSION } from '../../standins/generator/generate.ts';
import { TSX } from './processes.ts';

export const DATA_ROOT = resolve(process.env.LIANDONG_BENCH_DATA ?? '/tmp/liandong-bench-data');

export interface Scenarios {
  personInAllRegions: { idNumber: string; name: string };
}

export interface DataSet {
  dir: string;
  persons: number;
  scenarios: Scenarios;
}

/** The data set for `persons` per region over `regions`, generating it (bounded: 15 min) if missing. */
export async function benchData(persons: number, regions: readonly string[], log: (line: string) => void): Promise<DataSet> {
  const dir = join(DATA_ROOT, `${regions.join('-').toLowerCase()}-${persons}`);
  const done = join(dir, 'scenarios.json');
  if (!existsSync(done) || layoutOf(done) !== DATA_LAYOUT_VERSION) {
    rmSync(dir, { recursive: true, force: true });
    log(`  generating ${persons} persons per region for ${regions.join(', ')} into ${dir} (once; reused by later runs)`);
    await generate(dir, persons, regions);
  }
  return { dir, persons, scenarios: JSON.parse(readFileSync(done, 'utf8')) as Scenarios };
}

/** The generator's layout version a data set was made with (0: before versions were written). */
function layoutOf(scenariosFile: string): number {
  try {
    return Number(JSON.parse(readFileSync(scenariosFile, 'utf8')).layoutVersion ?? 0);
  } catch {
    return 0;
  }
}

function generate(dir: string, persons: number, regions: readonly string[]): Promise<void> {
  const args = [
    ...TSX,
    'standins/generator/cli.ts',
    '--data',
    dir,
    '--persons',
    String(persons),
    '--regions',
    regions.join(','),
    '--quiet',
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => {
      err = (err + b.toString()).slice(-2000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new Error(`generating ${persons} persons for ${regions.join(',')} into ${dir} failed (exit ${code}): ${err}`));
    });
  });
}
