/**
 * Paging a search across regions over real processes: every person matching a broad
 * filter comes exactly once over all pages — checked against the seeded generator's
 * ground truth — including when a region held several of them and when a region
 * missed a page (stopped) and answers again on the next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { seedData, startSystem, type System } from '../support/system.ts';

let system: System;
let dataDir: string;

beforeAll(async () => {
  dataDir = await seedData();
  system = await startSystem({ dataDir, regionTimeoutMs: 1500, gatewayConfig: { cache: { enabled: false } } });
});

afterAll(async () => {
  await system?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const SEARCH = `query Page($after: String, $first: Int) {
  searchPersons(filter: { bornFrom: "1900-01-01" }, first: $first, after: $after) {
    edges { node { idNumber regions } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Every identity number the generator wrote (each person the broad filter matches). */
function groundTruth(): string[] {
  return readFileSync(join(dataDir, 'ground-truth.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { idNumber: string }).idNumber);
}

/** Pages to the end; `between(page)` runs before asking for page `page` (1-based). */
async function pageThrough(
  first: number,
  between: (page: number) => Promise<void> = async () => {},
): Promise<{ seen: string[]; pages: string[][]; multiRegion: number }> {
  const seen: string[] = [];
  const pages: string[][] = [];
  let multiRegion = 0;
  let after: string | null = null;
  for (let page = 1; page < 1000; page++) {
    await between(page);
    const response = await system.query(SEARCH, { after, first });
    const connection = response.data?.searchPersons;
    expect(connection, JSON.stringify(response.errors)).toBeTruthy();
    pages.push(connection.edges.map((edge: any) => edge.node.idNumber));
    for (const edge of connection.edges) {
      seen.push(edge.node.idNumber);
      if (edge.node.regions.length > 1) multiRegion++;
    }
    if (!connection.pageInfo.hasNextPage) return { seen, pages, multiRegion };
    after = connection.pageInfo.endCursor;
  }
  throw new Error('paging did not end within 1000 pages');
}

function repeated(keys: string[]): string[] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([key]) => key);
}

describe('searchPersons paged across regions', () => {
  it('returns every person of the ground truth exactly once, in key order, over all pages', async () => {
    const { seen, multiRegion } = await pageThrough(7);
    expect(multiRegion).toBeGreaterThan(0);
    expect(repeated(seen)).toEqual([]);
    expect(seen).toEqual([...seen].sort());
    expect([...seen].sort()).toEqual(groundTruth().sort());
  }, 120_000);

  it('never repeats a person when a region misses a page and answers again on the next', async () => {
    const { seen, pages } = await pageThrough(11, async (page) => {
      if (page === 2) await system.regions.HB.stop();
      if (page === 3) await system.regions.HB.start();
    });
    expect(repeated(seen)).toEqual([]);
    expect(seen).toEqual([...seen].sort());
    // HB's persons on page 2's stretch are missed (page 2 reported HB unavailable); from
    // page 3 on, everything past page 2's last person comes, HB's included.
    const missedUpTo = pages[1].at(-1)!;
    expect(seen.filter((key) => key > missedUpTo)).toEqual(
      groundTruth()
        .filter((key) => key > missedUpTo)
        .sort(),
    );
  }, 120_000);
});
