/**
 * The membership filter kept across restarts, over the real JS adapter (its SQLite
 * database and trigger-fed change log) and the real change publisher: each "life" of the
 * region is an adapter, a publisher and the filter route, stopped as the subgraph stops
 * them. What the route serves is read back as the gateway reads it (signed, verified).
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegionAdapter } from '../../adapters/adapter.ts';
import { createAdapter } from '../../adapters/js/index.ts';
import { filterKeyFiles, loadFilterSigningKey } from '../../common/filters/filter-keys.ts';
import { filterVerifyingKeys, readPublishedFilter, type FilterCopy, type PublishedFilter } from '../../common/filters/published-filter.ts';
import { normaliseIdNumber } from '../../common/normalise/index.ts';
import { readJwksFile } from '../../common/security/key-files.ts';
import { generate } from '../../standins/generator/generate.ts';
import { JS_DB_PATH } from '../../standins/js/schema.ts';
import { addJsPerson } from '../../tests/support/live.ts';
import { startChangePublisher } from '../changes/publisher.ts';
import type { Logger } from '../logger.ts';
import { filterRoute } from './index.ts';
import { readSnapshot, SNAPSHOT_FORMAT } from './snapshot.ts';
import { KeyFilter } from '../../common/filters/key-filter.ts';
import { sealFilter } from '../../common/filters/published-filter.ts';

let pristine: string;
let otherData: string;
let keysDir: string;
const dirs: string[] = [];

beforeAll(async () => {
  pristine = mkdtempSync(join(tmpdir(), 'liandong-snap-a-'));
  otherData = mkdtempSync(join(tmpdir(), 'liandong-snap-b-'));
  keysDir = mkdtempSync(join(tmpdir(), 'liandong-snap-keys-'));
  await generate({ dataDir: pristine, personsPerRegion: 150, seed: 5, regions: ['JS'] });
  // Another data set of the same region: what a re-seed or a restore from another backup puts in place.
  await generate({ dataDir: otherData, personsPerRegion: 150, seed: 11, regions: ['JS'] });
});
afterAll(() => {
  for (const dir of [pristine, otherData, keysDir, ...dirs]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of the seeded JS data (its own database file: its own change-log epoch). */
function freshData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-snap-'));
  dirs.push(dir);
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

interface Logged {
  level: string;
  obj: unknown;
  msg?: string;
}

function recordingLogger(): Logger & { lines: Logged[]; text(): string } {
  const lines: Logged[] = [];
  const at = (level: string) => (obj: unknown, msg?: string) => void lines.push({ level, obj, msg });
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => lines.map((l) => `${l.level} ${l.msg ?? ''} ${JSON.stringify(l.obj)}`).join('\n'),
  };
}

interface Life {
  adapter: RegionAdapter;
  /** How many times the filter asked the adapter for every key. */
  heldKeysCalls(): number;
  logger: ReturnType<typeof recordingLogger>;
  /** GET /filter as the gateway sees it: the verified copy, or the refusal's status. */
  served(): Promise<FilterCopy | { status: number }>;
  stop(): Promise<void>;
}

interface LifeOptions {
  dataset?: string;
  falsePositiveRate?: number;
  /** The feed never answers resync, as a feed whose positions do not name their log's life (GZ's change numbers). */
  feedWithoutLife?: boolean;
  /** Least time between periodic saves (default a minute: none during a test). */
  everyMs?: number;
}

/** One run of region JS's subgraph parts that matter here, over `dataDir`, keeping its filter in `file`. */
async function startLife(dataDir: string, file: string, options: LifeOptions = {}): Promise<Life> {
  const adapter = await createAdapter({ dataDir, settings: { changePollMs: 50 } });
  let calls = 0;
  const counted: RegionAdapter = {
    ...adapter,
    heldKeys() {
      calls++;
      return adapter.heldKeys();
    },
    changes: options.feedWithoutLife
      ? { changesSince: async (since) => ({ ...(await adapter.changes.changesSince(since)), resync: false }) }
      : adapter.changes,
  };
  const logger = recordingLogger();
  const publisher = await startChangePublisher(counted, { pollMs: 50, logger });
  const route = await filterRoute(counted, publisher, {
    keysDir,
    logger,
    capacity: 5000,
    falsePositiveRate: options.falsePositiveRate ?? 0.01,
    snapshot: { file, dataset: options.dataset ?? 'data set A', everyMs: options.everyMs ?? 60_000 },
  });
  const verifying = filterVerifyingKeys(readJwksFile(filterKeyFiles(keysDir, 'JS').jwksFile));
  return {
    adapter,
    heldKeysCalls: () => calls,
    logger,
    async served() {
      let status = 0;
      let body = '';
      const res = {
        writeHead(code: number) {
          status = code;
          return res;
        },
        end(text: string) {
          body = text;
        },
      };
      await route.handle({} as never, res as unknown as ServerResponse);
      if (status !== 200) return { status };
      const copy = readPublishedFilter(body, 'JS', verifying);
      if ('problem' in copy) throw new Error(copy.problem);
      return copy;
    },
    async stop() {
      // As the subgraph closes its routes: the change stream first, then the filter.
      await publisher.close();
      await route.close!();
      await adapter.close();
    },
  };
}

/** The filter once the route serves one (it answers 503 while building or catching up). */
async function servedFilter(life: Life): Promise<KeyFilter> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const copy = await life.served();
    if ('filter' in copy) return copy.filter;
    if (Date.now() > deadline) throw new Error(`no filter served in 20 s; log:\n${life.logger.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function heldIdNumbers(adapter: RegionAdapter): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of adapter.heldKeys()) keys.push(...batch.idNumbers);
  return keys;
}

/** A valid identity number the seeded data does not hold. */
function newIdNumber(held: readonly string[], from: number): string {
  const known = new Set(held);
  for (let seq = from; ; seq++) {
    const key = normaliseIdNumber(`320102900101${String(seq).padStart(3, '0')}`);
    if (!known.has(key)) return key;
  }
}

/** Runs a first life to its end: built from every key, saved at shutdown. */
async function firstLife(dataDir: string, file: string, options?: LifeOptions): Promise<string[]> {
  const life = await startLife(dataDir, file, options);
  await servedFilter(life);
  const held = await heldIdNumbers(life.adapter);
  await life.stop();
  expect(life.heldKeysCalls()).toBe(1);
  return held;
}

describe('membership filter snapshot', () => {
  it('restarts from its snapshot without reading every key, and holds a person added while the region was down', async () => {
    const dataDir = freshData();
    const file = join(dataDir, 'JS', 'membership-filter.json');
    const held = await firstLife(dataDir, file);
    expect(JSON.parse(JSON.parse(readFileSync(file, 'utf8')).header)).toMatchObject({ format: SNAPSHOT_FORMAT, region: 'JS' });

    const meanwhile = newIdNumber(held, 1);
    addJsPerson(dataDir, 'P-SNAPSHOT-1', meanwhile);

    const second = await startLife(dataDir, file);
    try {
      const filter = await servedFilter(second);
      expect(second.heldKeysCalls()).toBe(0);
      expect(second.logger.text()).toMatch(/restored from its snapshot[^\n]*"changes":1/);
      expect(held.filter((key) => !filter.mayHold('idNumber', key))).toEqual([]);
      // Only the catch-up could add it: the publisher follows the feed from its own start on.
      expect(filter.mayHold('idNumber', meanwhile)).toBe(true);

      // And the restored filter goes on taking changes from the stream.
      const later = newIdNumber(held, 100);
      addJsPerson(dataDir, 'P-SNAPSHOT-2', later);
      const deadline = Date.now() + 10_000;
      while (!(await servedFilter(second)).mayHold('idNumber', later) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect((await servedFilter(second)).mayHold('idNumber', later)).toBe(true);
    } finally {
      await second.stop();
    }
    // The third life starts from the second's snapshot, which holds both.
    const third = await startLife(dataDir, file);
    try {
      const filter = await servedFilter(third);
      expect(third.heldKeysCalls()).toBe(0);
      expect(filter.mayHold('idNumber', meanwhile)).toBe(true);
      expect(filter.mayHold('idNumber', newIdNumber(held, 100))).toBe(true);
    } finally {
      await third.stop();
    }
  });

  it('refuses a snapshot whose bits were changed after signing, and builds from every key', async () => {
    const dataDir = freshData();
    const file = join(dataDir, 'JS', 'membership-filter.json');
    const held = await firstLife(dataDir, file);
    // A filter that lost keys: every bit cleared, header and signature kept.
    const sealed = JSON.parse(readFileSync(file, 'utf8')) as PublishedFilter;
    const zeros = Buffer.alloc(Buffer.from(sealed.bits, 'base64').length).toString('base64');
    writeFileSync(file, JSON.stringify({ ...sealed, bits: zeros }));

    const second = await startLife(dataDir, file);
    try {
      const filter = await servedFilter(second);
      expect(held.filter((key) => !filter.mayHold('idNumber', key))).toEqual([]);
      expect(second.heldKeysCalls()).toBe(1);
      expect(second.logger.text()).toMatch(/snapshot refused \(the signature does not verify with JS's filter key/);
    } finally {
      await second.stop();
    }
  });

  it.each([
    ['another data set', { dataset: 'data set B' }, /snapshot refused \(made for another data set/],
    [
      'another false-positive rate',
      { falsePositiveRate: 0.001 },
      /snapshot refused \(made for a false-positive rate of 0.01, configured 0.001\)/,
    ],
  ])('refuses a snapshot made for %s, and builds from every key', async (_what, options, why) => {
    const dataDir = freshData();
    const file = join(dataDir, 'JS', 'membership-filter.json');
    const held = await firstLife(dataDir, file);
    const second = await startLife(dataDir, file, options);
    try {
      const filter = await servedFilter(second);
      expect(second.logger.text()).toMatch(why);
      expect(second.heldKeysCalls()).toBe(1);
      expect(held.filter((key) => !filter.mayHold('idNumber', key))).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('refuses another region’s snapshot and a published filter in its place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-snap-foreign-'));
    dirs.push(dir);
    const jsKey = await loadFilterSigningKey(keysDir, 'JS');
    const gzKey = await loadFilterSigningKey(keysDir, 'GZ');
    const filter = KeyFilter.sized({ capacity: 5000, falsePositiveRate: 0.01 });
    const expected = { region: 'JS', dataset: 'd', sizing: { capacity: 5000, falsePositiveRate: 0.01 } };
    const header = { region: 'GZ', dataset: 'd', position: 'x:1', capacity: 5000, falsePositiveRate: 0.01, builtAt: '' };
    writeFileSync(join(dir, 'gz.json'), sealFilter(gzKey, { format: SNAPSHOT_FORMAT, ...header }, filter));
    expect(readSnapshot(join(dir, 'gz.json'), jsKey, expected)).toEqual({ problem: expect.stringMatching(/not one of JS's filter keys/) });
    writeFileSync(join(dir, 'gz-by-js.json'), sealFilter(jsKey, { format: SNAPSHOT_FORMAT, ...header }, filter));
    expect(readSnapshot(join(dir, 'gz-by-js.json'), jsKey, expected)).toEqual({ problem: `the filter is "GZ"'s, expected JS's` });
    writeFileSync(
      join(dir, 'published.json'),
      sealFilter(jsKey, { format: 'liandong-filter/1', region: 'JS', epoch: 'e', seq: 1 }, filter),
    );
    expect(readSnapshot(join(dir, 'published.json'), jsKey, expected)).toEqual({
      problem: `format "liandong-filter/1", expected ${SNAPSHOT_FORMAT}`,
    });
    writeFileSync(join(dir, 'small.json'), sealFilter(jsKey, { format: SNAPSHOT_FORMAT, ...header, region: 'JS', capacity: 10 }, filter));
    expect(readSnapshot(join(dir, 'small.json'), jsKey, expected)).toEqual({
      problem: 'sized for 10 keys, fewer than the configured 5000',
    });
    expect(readSnapshot(join(dir, 'absent.json'), jsKey, expected)).toBeNull();
  });

  it('builds from every key when the database was replaced while the region was down (the feed answers resync)', async () => {
    const dataDir = freshData();
    const file = join(dataDir, 'JS', 'membership-filter.json');
    await firstLife(dataDir, file);
    // Another data set renamed over the database, as a re-seed or restore does.
    cpSync(join(otherData, JS_DB_PATH), join(dataDir, `${JS_DB_PATH}.new`));
    renameSync(join(dataDir, `${JS_DB_PATH}.new`), join(dataDir, JS_DB_PATH));

    const second = await startLife(dataDir, file);
    try {
      const filter = await servedFilter(second);
      const held = await heldIdNumbers(second.adapter);
      expect(held.filter((key) => !filter.mayHold('idNumber', key))).toEqual([]);
      expect(second.heldKeysCalls()).toBe(1);
      expect(second.logger.text()).toMatch(/the change feed cannot list the changes since its snapshot \(resync/);
    } finally {
      await second.stop();
    }
  });

  it('builds from every key when another data set replaced the database and the feed cannot tell (the data-set probe differs)', async () => {
    const dataDir = freshData();
    const file = join(dataDir, 'JS', 'membership-filter.json');
    await firstLife(dataDir, file, { feedWithoutLife: true });
    cpSync(join(otherData, JS_DB_PATH), join(dataDir, `${JS_DB_PATH}.new`));
    renameSync(join(dataDir, `${JS_DB_PATH}.new`), join(dataDir, JS_DB_PATH));

    const second = await startLife(dataDir, file, { feedWithoutLife: true });
    try {
      const filter = await servedFilter(second);
      const held = await heldIdNumbers(second.adapter);
      expect(held.filter((key) => !filter.mayHold('idNumber', key))).toEqual([]);
      expect(second.heldKeysCalls()).toBe(1);
      expect(second.logger.text()).toMatch(
        /the region's data is not the snapshot's \(\d+ of the 16 persons sampled at the snapshot are gone/,
      );
    } finally {
      await second.stop();
    }
  });

  it('saves again while running once a change moved the filter, so a crash loses no more than the last interval', async () => {
    const dataDir = freshData();
    const file = join(dataDir, 'JS', 'membership-filter.json');
    const life = await startLife(dataDir, file, { everyMs: 50 });
    try {
      await servedFilter(life);
      const held = await heldIdNumbers(life.adapter);
      const added = newIdNumber(held, 200);
      addJsPerson(dataDir, 'P-SNAPSHOT-PERIODIC', added);
      const key = await loadFilterSigningKey(keysDir, 'JS');
      const expected = { region: 'JS', dataset: 'data set A', sizing: { capacity: 5000, falsePositiveRate: 0.01 } };
      // No stop: what is on disk while the region runs (what a kill -9 would leave).
      const deadline = Date.now() + 10_000;
      let saved = readSnapshot(file, key, expected);
      while (!(saved && 'filter' in saved && saved.filter.mayHold('idNumber', added)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        saved = readSnapshot(file, key, expected);
      }
      expect(saved && 'filter' in saved && saved.filter.mayHold('idNumber', added)).toBe(true);
      expect(held.every((k) => saved && 'filter' in saved && saved.filter.mayHold('idNumber', k))).toBe(true);
    } finally {
      await life.stop();
    }
  });
});
