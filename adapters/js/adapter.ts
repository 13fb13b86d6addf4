/**
 * The JS adapter: reads JS's SQLite database directly (layout.ts says how), through the
 * shared SQLite core: parameterised SQL only, B-tree lookups, chunked `IN (…)` batches,
 * keyset-paged searches. Changes come from the database's trigger-filled change log.
 */
import Database from 'better-sqlite3';
import { AdapterError, type HealthStatus, type RegionAdapter, type RegionInfo } from '../adapter.ts';
import { SqlRecords, sqlLookups } from '../support/sql-adapter.ts';
import { JsChangeFeed } from './changes.ts';
import { JS_LAYOUT } from './layout.ts';

export const JS_REGION: RegionInfo = { code: 'JS', name: '江蘇', areaPrefixes: ['32'], plateProvinces: ['蘇'] };

function openDatabase(path: string): Database.Database {
  try {
    const db = new Database(path, { fileMustExist: true });
    // Liandong only reads: refuse writes on this connection whatever the SQL.
    db.pragma('query_only = ON');
    return db;
  } catch (error) {
    throw new AdapterError('UNAVAILABLE', 'JS', `cannot open the JS database "${path}" (run \`npm run seed\` first?): ${(error as Error).message}`, { cause: error });
  }
}

export function createJsAdapter(path: string, changePollMs: number): RegionAdapter {
  const db = openDatabase(path);
  const records = new SqlRecords(db, JS_LAYOUT);
  const changes = new JsChangeFeed(db, (ids) => records.guard(() => records.caseKeys(ids)), changePollMs);
  const adapter: RegionAdapter = {
    region: JS_REGION,
    changes,
    ...sqlLookups(() => records),
    async health(): Promise<HealthStatus> {
      const started = performance.now();
      try {
        db.prepare('SELECT 1 FROM t_person LIMIT 1').get();
        return { ok: true, detail: `JS database ${path}`, latencyMs: performance.now() - started };
      } catch (error) {
        return { ok: false, detail: `JS database ${path} cannot be queried: ${(error as Error).message}`, latencyMs: performance.now() - started };
      }
    },
    async close() {
      changes.stop();
      if (db.open) db.close();
    },
  };
  return adapter;
}
