import { describe, expect, it } from 'vitest';
import { mergePages, type RegionPage } from './connection-merge.ts';
import { positionFrom, startPosition, CursorError } from '../../cursors/composite-position.ts';

const page = (region: string, keys: string[], hasNextPage: boolean): RegionPage => ({
  region,
  keys,
  cursors: keys.map((k) => `${region}@${k}`),
  hasNextPage,
});

describe('mergePages', () => {
  it("takes the smallest heads in key order and records each region's position after each edge", () => {
    const merged = mergePages([page('JS', ['a', 'd'], true), page('GZ', ['b', 'c'], false)], startPosition(['JS', 'GZ']), 3);
    expect(merged.edges.map((e) => `${e.from.region}${e.from.index}`)).toEqual(['JS0', 'GZ0', 'GZ1']);
    expect(merged.edges[0].position).toEqual({ JS: 'JS@a', GZ: null });
    expect(merged.edges[2].position).toEqual({ JS: 'JS@a', GZ: false });
    expect(merged.hasNextPage).toBe(true);
  });

  it('merges the same key found in several regions into one edge', () => {
    const merged = mergePages([page('JS', ['a', 'b'], false), page('GZ', ['a', 'c'], false)], startPosition(['JS', 'GZ']), 10);
    expect(merged.edges).toHaveLength(3);
    expect(merged.edges[0].duplicates).toEqual([{ region: 'GZ', index: 0 }]);
    expect(merged.end).toEqual({ JS: false, GZ: false });
    expect(merged.hasNextPage).toBe(false);
  });

  it('stops when a region with more results has none left in hand (never skips its items)', () => {
    const merged = mergePages([page('JS', ['a'], true), page('GZ', ['b', 'c'], false)], startPosition(['JS', 'GZ']), 3);
    expect(merged.edges).toHaveLength(1);
    expect(merged.end).toEqual({ JS: 'JS@a', GZ: null });
    expect(merged.hasNextPage).toBe(true);
  });

  it('keeps the incoming position of regions that did not answer', () => {
    const merged = mergePages([page('JS', ['a'], false)], { JS: null, GZ: 'GZ@x' }, 5);
    expect(merged.end).toEqual({ JS: false, GZ: 'GZ@x' });
  });

  it('marks a region that answered nothing and has nothing more as exhausted', () => {
    const merged = mergePages([page('JS', [], false), page('GZ', ['a'], false)], startPosition(['JS', 'GZ']), 5);
    expect(merged.edges[0].position).toEqual({ JS: false, GZ: false });
  });

  it('pages through three regions completely and without repeats', () => {
    const data: Record<string, string[]> = {
      JS: ['01', '04', '05', '09', '12'],
      GZ: ['02', '04', '06', '07'],
      HB: ['03', '08', '10', '11', '12', '13'],
    };
    const serve = (region: string, after: string | null, first: number): RegionPage => {
      const keys = data[region];
      const start = after === null ? 0 : keys.indexOf(after.split('@')[1]) + 1;
      return page(region, keys.slice(start, start + first), start + first < keys.length);
    };
    let position = startPosition(['JS', 'GZ', 'HB']);
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const asked = Object.keys(position).filter((r) => position[r] !== false);
      const pages = asked.map((r) => serve(r, position[r] as string | null, 3));
      const merged = mergePages(pages, position, 3);
      for (const edge of merged.edges) seen.push(pages.find((p) => p.region === edge.from.region)!.keys[edge.from.index]);
      position = merged.end;
      if (!merged.hasNextPage) break;
    }
    expect(seen).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13']);
  });
});

describe('mergePages across pages (the last key emitted)', () => {
  it('skips, in every region, keys at or before the last key emitted, moving their positions past them', () => {
    // GZ missed the page that emitted a..c (down): asked again, it starts from its beginning.
    const merged = mergePages([page('JS', ['d', 'e'], false), page('GZ', ['a', 'c', 'd', 'f'], false)], { JS: 'JS@c', GZ: null }, 10, 'c');
    expect(merged.edges.map((e) => e.key)).toEqual(['d', 'e', 'f']);
    expect(merged.edges[0].duplicates).toEqual([{ region: 'GZ', index: 2 }]);
    expect(merged.edges[0].position).toEqual({ JS: 'JS@d', GZ: 'GZ@d' });
    expect(merged.lastKey).toBe('f');
  });

  it('moves a region whose whole page was emitted already past it, and keeps the last key', () => {
    const merged = mergePages([page('JS', ['a', 'b'], true)], { JS: null }, 5, 'b');
    expect(merged.edges).toEqual([]);
    expect(merged.end).toEqual({ JS: 'JS@b' });
    expect(merged.lastKey).toBe('b');
    expect(merged.hasNextPage).toBe(true);
  });

  it('marks a region exhausted when all it had left was already emitted', () => {
    const merged = mergePages([page('JS', ['a'], false), page('GZ', ['c'], false)], { JS: null, GZ: null }, 5, 'a');
    expect(merged.edges.map((e) => e.key)).toEqual(['c']);
    expect(merged.end).toEqual({ JS: false, GZ: false });
  });

  it('emits a key a region holds twice once, also when a page ends between the two', () => {
    const first = mergePages([page('JS', ['a', 'b', 'b', 'c'], false)], { JS: null }, 2);
    expect(first.edges.map((e) => e.key)).toEqual(['a', 'b']);
    const second = mergePages([page('JS', ['b', 'c'], false)], { JS: first.end.JS }, 2, first.lastKey);
    expect(second.edges.map((e) => e.key)).toEqual(['c']);
  });

  it('pages through three regions exactly once each when one region misses pages and comes back', () => {
    const data: Record<string, string[]> = {
      JS: ['01', '04', '05', '09', '12', '14'],
      GZ: ['02', '04', '06', '07', '12', '15'],
      HB: ['03', '04', '08', '10', '11', '12', '13'],
    };
    const serve = (region: string, after: string | null, first: number): RegionPage => {
      const keys = data[region];
      const start = after === null ? 0 : keys.indexOf(after.split('@')[1]) + 1;
      return page(region, keys.slice(start, start + first), start + first < keys.length);
    };
    let position = startPosition(['JS', 'GZ', 'HB']);
    let lastKey: string | null = null;
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      // HB does not answer pages 2 and 3 (it keeps its position), then answers again.
      const asked = Object.keys(position).filter((r) => position[r] !== false && !(r === 'HB' && (i === 1 || i === 2)));
      const pages = asked.map((r) => serve(r, position[r] as string | null, 3));
      const merged = mergePages(pages, position, 3, lastKey);
      for (const edge of merged.edges) seen.push(edge.key);
      position = merged.end;
      lastKey = merged.lastKey;
      if (!merged.hasNextPage) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('13');
    expect(seen).toEqual([...seen].sort());
  });
});

describe('composite position', () => {
  it('reads back a position of region cursors, null and false', () => {
    const position = { JS: 'abc', GZ: null, HB: false as const };
    expect(positionFrom(JSON.parse(JSON.stringify(position)))).toEqual(position);
  });

  it('refuses anything else, naming the region and what was expected', () => {
    expect(() => positionFrom([])).toThrow(CursorError);
    expect(() => positionFrom({ JS: 3 })).toThrow(/region JS is a number; expected a region cursor, null or false/);
  });
});
