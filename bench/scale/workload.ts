/**
 * Workload 4, data scale: keyed person lookups and name-prefix searches through
 * Liandong (authorisation and audit on, cache off) over one JS region holding 10k, 100k
 * and 1M persons — each size generated once into the bench data cache and reused. The
 * same person (the generator's first, present at every size) and the same prefix are
 * asked at every size, so only the data volume changes. Ratios are to the 10k figures.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchData } from '../lib/data.ts';
import { startLiandong } from '../lib/liandong.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import { officerHeaders } from '../lib/officer.ts';
import { startRegions } from '../lib/regions.ts';
import type { WorkloadOptions } from '../peer/workload.ts';
import { personLookup, personSearch } from '../regional/queries.ts';

async function measureSize(persons: number, opts: WorkloadOptions): Promise<{ lookup: LoadResult; search: LoadResult }> {
  const work = mkdtempSync(join(tmpdir(), 'liandong-bench-scale-'));
  const data = await benchData(persons, ['JS'], opts.log);
  // One region's own lookups: its membership filter (built in the background for ~30 s at 1M) would only load the measurement.
  const regions = await startRegions(data.dir, work, ['JS'], { env: { SUBGRAPH_FILTERS: 'off' } });
  const gateway = await startLiandong({ name: `liandong-${persons}`, template: 'regional', work, regions: regions.regions });
  try {
    const headers = await officerHeaders(join(work, 'keys'));
    const { idNumber, name } = data.scenarios.personInAllRegions;
    const load = (body: string, seconds: number) =>
      runLoad({ url: gateway.url, body, headers, connections: opts.connections, seconds, pid: gateway.pid });
    const lookup = personLookup(idNumber);
    const search = personSearch(name.slice(0, 1));
    await load(lookup, opts.warmupSeconds);
    await load(search, opts.warmupSeconds);
    return { lookup: await load(lookup, opts.seconds), search: await load(search, opts.seconds) };
  } finally {
    await gateway.stop();
    await regions.stop();
  }
}

export async function runScaleWorkload(opts: WorkloadOptions & { sizes: number[] }) {
  const results: Record<string, { lookup: LoadResult; search: LoadResult }> = {};
  for (const persons of opts.sizes) {
    results[persons] = await measureSize(persons, opts);
    const r = results[persons];
    opts.log(
      `  ${String(persons).padStart(8)} persons: lookup ${r.lookup.rps.toFixed(1)} req/s p50 ${r.lookup.p50} ms | search ${r.search.rps.toFixed(1)} req/s p50 ${r.search.p50} ms`,
    );
  }
  const base = results[opts.sizes[0]];
  const ratios = Object.fromEntries(
    opts.sizes.map((n) => [
      n,
      {
        lookupP50VsSmallest: results[n].lookup.p50 / base.lookup.p50,
        lookupRpsVsSmallest: results[n].lookup.rps / base.lookup.rps,
        searchP50VsSmallest: results[n].search.p50 / base.search.p50,
        searchRpsVsSmallest: results[n].search.rps / base.search.rps,
      },
    ]),
  );
  return { region: 'JS', results, ratios };
}
