/**
 * The JS adapter: reads JS's SQLite database directly (layout.ts says how), through the
 * shared SQLite core: parameterised SQL only, B-tree lookups, chunked `IN (…)` batches,
 * keyset-paged searches. Changes come from the database's trigger-filled change log.
 */
import type { HealthStatus, RegionAdapter, RegionInfo } from '../adapter.ts';
import { SqlRecords, sqlLookups } from '../support/sql-adapter.ts';
import { JsChangeFeed } from './changes.ts';
import { JsDatabaseFile } from './database.ts';
import { JsAssistanceDesk } from './assistance.ts';
import { JS_LAYOUT } from './layout.ts';

export const JS_REGION: RegionInfo = { code: 'JS', name: '江蘇', areaPrefixes: ['32'], plateProvinces: ['蘇'] };

export function createJsAdapter(path: string, changePollMs: number): RegionAdapter {
  const file = new JsDatabaseFile(path);
  // Lookups read through a getter, so a reopened file (a re-seed) serves them from then on.
  let records = new SqlRecords(file.current.db, JS_LAYOUT);
  file.onReopen(({ db }) => (records = new SqlRecords(db, JS_LAYOUT)));
  const assistance = new JsAssistanceDesk(path, file);
  const changes = new JsChangeFeed(file, (ids) => records.guard(() => records.caseKeys(ids)), changePollMs);
  const adapter: RegionAdapter = {
    region: JS_REGION,
    changes,
    assistance,
    ...sqlLookups(() => records),
    async health(): Promise<HealthStatus> {
      const started = performance.now();
      try {
        file.refresh();
        file.current.db.prepare('SELECT 1 FROM t_person LIMIT 1').get();
        return { ok: true, detail: 'JS database readable', latencyMs: performance.now() - started };
      } catch (error) {
        return {
          ok: false,
          detail: `JS database cannot be queried: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          latencyMs: performance.now() - started,
        };
      }
    },
    async close() {
      changes.stop();
      assistance.close();
      file.close();
    },
  };
  return adapter;
}
