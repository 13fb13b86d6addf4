/**
 * Workload 6, HB export intake under lookup load: the HB adapter (the code the HB
 * subgraph runs, on this process's event loop) serves a generated export of N persons
 * (1M; `--quick`: 100k; `--intake-persons N`) while a new export — 1% of the persons
 * renamed — is taken in. Meanwhile lookups run back to back (100 persons by id, then
 * a 1 ms pause). Reported: the event-loop delay during the intake
 * (perf_hooks.monitorEventLoopDelay, 10 ms resolution: p50, p99, max), the lookups'
 * own latency, how many were answered, intake seconds and change events. Target: p99 < 50 ms.
 *
 * No network: files only, in a temporary copy of the cached data set (the cache is
 * never changed), removed afterwards. Bounded: the intake is abandoned after 20 minutes.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHbAdapter } from '../../adapters/hb/adapter.ts';
import { republishHbExport } from '../../standins/hb/republish.ts';
import { benchData } from '../lib/data.ts';

const INTAKE_LIMIT_MS = 20 * 60_000;
const BATCH = 100;

export interface IntakeResult {
  persons: number;
  intakeSeconds: number;
  changeEvents: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number; samples: number };
  lookups: { answered: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number };
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;
const at = (sorted: number[], p: number) =>
  sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 100) / 100 : 0;

export async function runIntakeWorkload(opts: { persons: number; log: (line: string) => void }): Promise<IntakeResult> {
  const data = await benchData(opts.persons, ['HB'], opts.log);
  const work = mkdtempSync(join(tmpdir(), 'liandong-bench-intake-'));
  try {
    cpSync(join(data.dir, 'hb'), join(work, 'hb'), { recursive: true, filter: (path) => !path.includes(join('hb', 'index')) });
    opts.log(`  indexing the first export (${opts.persons} persons)…`);
    const adapter = await createHbAdapter({
      exportsDir: join(work, 'hb/exports'),
      indexDir: join(work, 'hb/index'),
      pollMs: 3_600_000,
      maxChangeEvents: 1_000_000,
    });
    try {
      const ids = (await adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 1000, after: null })).items.map((p) => p.id);
      const { position } = await adapter.changes.changesSince(null);
      opts.log('  publishing the next export (1% of persons renamed)…');
      await republishHbExport(work, new Date('2026-12-01T18:00:00Z'), (entity, row, headers) => {
        if (entity !== 'persons' || !row[0].endsWith('00')) return row;
        const name = headers.indexOf('姓名');
        return row.map((value, i) => (i === name ? `${value}乙` : value));
      });

      const latencies: number[] = [];
      let failed = 0;
      let loading = true;
      const load = (async () => {
        for (let round = 0; loading; round++) {
          const batch = Array.from({ length: BATCH }, (_, i) => ids[(round * BATCH + i) % ids.length]);
          const started = performance.now();
          try {
            await adapter.personRecordsById(batch);
            latencies.push(performance.now() - started);
          } catch {
            failed++;
          }
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      opts.log('  taking the new export in under lookup load…');
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const started = performance.now();
      delay.enable();
      let limit: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          adapter.exports.check(),
          new Promise((_, reject) => {
            limit = setTimeout(() => reject(new Error(`the intake took over ${INTAKE_LIMIT_MS / 60_000} minutes`)), INTAKE_LIMIT_MS);
          }),
        ]);
      } finally {
        clearTimeout(limit);
        delay.disable();
        loading = false;
        await load;
      }
      const intakeSeconds = Math.round((performance.now() - started) / 100) / 10;
      const { changes } = await adapter.changes.changesSince(position);
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        persons: opts.persons,
        intakeSeconds,
        changeEvents: changes.length,
        eventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), samples: delay.count },
        lookups: { answered: latencies.length, failed, p50Ms: at(sorted, 0.5), p99Ms: at(sorted, 0.99), maxMs: at(sorted, 1) },
      };
    } finally {
      await adapter.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
