/**
 * GZ's held keys (its membership filter's input) against its database read directly: the
 * windowed walks must return every key GZ holds — a key missed is a person the gateway
 * would never ask GZ about. Over the real stand-in process and its HTTP API.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseIdNumber, normalisePlate } from '../../common/normalise/index.ts';
import { GZ_DB_FILE } from '../../standins/gz/schema.ts';
import { startGzSample, type GzSampleService } from '../../tests/support/gz-sample.ts';
import type { RegionAdapter } from '../adapter.ts';
import { GzClient } from './client.ts';
import { rowsByDateWindows, rowsByPrefixWindows, type ListQuery, type ReadPage } from './held-keys.ts';
import { createAdapter } from './index.ts';
import { legacyPage } from './paging.ts';
import { parseGzSettings } from './settings.ts';

let gz: GzSampleService;
let adapter: RegionAdapter;
let client: GzClient;
const database = () => new Database(join(gz.dataDir, 'gz', GZ_DB_FILE));

beforeAll(async () => {
  gz = await startGzSample(300);
  const settings = { serviceUrl: gz.standin.url, timeoutMs: 5000, pollMs: 50 };
  adapter = await createAdapter({ dataDir: gz.dataDir, settings });
  client = new GzClient(parseGzSettings(settings));
});

afterAll(async () => {
  await adapter?.close();
  await client?.close();
  await gz?.close();
});

/** A reader of one list that also records each query it sent. */
function reader(resource: string, sent: ListQuery[] = []): ReadPage {
  return async (query) => {
    sent.push(query);
    return legacyPage(await client.get(`/api/v1/${resource}`, query), resource);
  };
}

async function collect(pages: AsyncIterable<{ [column: string]: unknown }[]>, column: string): Promise<Set<string>> {
  const seen = new Set<string>();
  for await (const rows of pages) for (const row of rows) seen.add(String(row[column]));
  return seen;
}

/** Every identity number and plate GZ's tables hold, normalised (the ones that normalise). */
function keysInDatabase(): { idNumbers: Set<string>; plates: Set<string> } {
  const db = database();
  const column = (sql: string) => (db.prepare(sql).pluck().all() as (string | null)[]).filter((v): v is string => !!v);
  const normalised = (values: string[], normalise: (v: string) => string) =>
    new Set(
      values.flatMap((v) => {
        try {
          return [normalise(v)];
        } catch {
          return [];
        }
      }),
    );
  const idNumbers = ['SELECT sfzh FROM renkou', 'SELECT sfzh FROM anjian_ry', 'SELECT syr_sfzh FROM cheliang', 'SELECT sfzh FROM tongji'];
  const plates = ['SELECT hphm FROM cheliang', 'SELECT hphm FROM anjian_cl', 'SELECT hphm FROM bukong'];
  const keys = {
    idNumbers: normalised(idNumbers.flatMap(column), (v) => normaliseIdNumber(v)),
    plates: normalised(plates.flatMap(column), normalisePlate),
  };
  db.close();
  return keys;
}

async function heldKeys(): Promise<{ idNumbers: Set<string>; plates: Set<string> }> {
  const held = { idNumbers: new Set<string>(), plates: new Set<string>() };
  for await (const batch of adapter.heldKeys()) {
    for (const key of batch.idNumbers) held.idNumbers.add(key);
    for (const key of batch.plates) held.plates.add(key);
  }
  return held;
}

describe('windowed walks', () => {
  it('reads every person by birth-date windows halved down to a few rows, open-ended at both ends', async () => {
    const sent: ListQuery[] = [];
    const all = await collect(rowsByDateWindows(reader('renkou', sent), { from: 'csrqq', to: 'csrqz', windowRows: 7 }), 'rkbh');
    const db = database();
    expect(all).toEqual(new Set(db.prepare('SELECT rkbh FROM renkou').pluck().all()));
    db.close();
    // Windows, not one list: no query without a bound, and many small windows.
    expect(sent.every((q) => 'csrqq' in q || 'csrqz' in q)).toBe(true);
    expect(new Set(sent.map((q) => `${q.csrqq}-${q.csrqz}`)).size).toBeGreaterThan(20);
  });

  it('reads every vehicle by plate-prefix windows and counts what they held', async () => {
    const tally = { rows: 0 };
    const read = rowsByPrefixWindows(
      reader('cheliang'),
      { param: 'hphmqz', stem: '貴', alphabet: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', maxLength: 4, windowRows: 5 },
      tally,
    );
    const all = await collect(read, 'clbh');
    const db = database();
    expect(all).toEqual(new Set(db.prepare('SELECT clbh FROM cheliang').pluck().all()));
    expect(tally.rows).toBe(all.size);
    db.close();
  });
});

describe('GZ adapter heldKeys', () => {
  it('returns exactly the keys in GZ’s tables', async () => {
    const held = await heldKeys();
    const truth = keysInDatabase();
    expect(held.idNumbers).toEqual(truth.idNumbers);
    expect(held.plates).toEqual(truth.plates);
  });

  it('reads the vehicle list again in full when a plate lies outside the prefixes tried', async () => {
    // A vehicle registered before GZ's standard form (another province's plate), written straight into GZ's database.
    const db = database();
    db.prepare(
      `INSERT INTO cheliang (clbh, hphm, hphm_yl, clsbdh, clpp, clxh, csys, nylx, syr_sfzh, zcrq, gxsj)
       VALUES ('CL99999999', '川A12345', '川A12345', 'LSVAA4182E2100001', '大眾', '朗逸', 'A', 'A', NULL, '20100101', '20100101120000')`,
    ).run();
    db.close();
    const held = await heldKeys();
    expect(held.plates.has(normalisePlate('川A12345'))).toBe(true);
    expect(held.plates).toEqual(keysInDatabase().plates);
  });
});
