/**
 * Merging the regions' pages of one search into one page (k-way merge by node key).
 *
 * Each region returns its matches sorted by the global key (normalised identity number,
 * plate, case id — compared as plain strings). The merged page repeatedly takes the
 * smallest head among the regions; heads with the same key are the same node found in
 * several regions and are taken together (one merged edge). Only a prefix of each
 * region's page is consumed, and a region's new position is the cursor of the last edge
 * taken from it, so the next page resumes exactly after it: no item is skipped or
 * repeated, whatever the other regions hold.
 *
 * The merge also knows the last key it emitted (carried in the sealed cursor from page to
 * page) and skips every head at or before it, in every region, moving that region's
 * position past it. Region positions alone are not enough: a region that did not answer
 * one page (down, timed out) keeps its old position and, asked again on a later page,
 * sends keys the other regions' edges already emitted; a region holding the same key
 * twice would also repeat it. Skipping keys <= the last one emitted makes every key come
 * once across all pages.
 */
import type { CompositePosition, RegionPosition } from '../../cursors/composite-position.ts';

/** What one region returned for the search (keys and cursors of its edges). */
export interface RegionPage {
  region: string;
  keys: string[];
  cursors: string[];
  hasNextPage: boolean;
}

/** One edge of the merged page. */
export interface MergedEdge {
  /** The region whose edge is the base of the merged edge (first in registry order). */
  from: EdgeRef;
  /** The same node as found by other regions (merged into the base). */
  duplicates: EdgeRef[];
  /** The composite position just after this edge. */
  position: CompositePosition;
  /** The edge's node key: the last key emitted once this edge is taken. */
  key: string;
}

export interface EdgeRef {
  region: string;
  index: number;
}

export interface MergedPage {
  edges: MergedEdge[];
  /** Position after the page (= the last edge's, or the incoming one with exhausted regions marked). */
  end: CompositePosition;
  /** The last key emitted so far (this page's last edge's, else the incoming one). */
  lastKey: string | null;
  hasNextPage: boolean;
}

/**
 * `pages` in registry order, only for the regions that answered; `incoming` holds every
 * asked region's position before this page (regions that did not answer keep theirs);
 * `lastKey` is the last key emitted on earlier pages (null on the first page).
 */
export function mergePages(
  pages: readonly RegionPage[],
  incoming: CompositePosition,
  first: number,
  lastKey: string | null = null,
): MergedPage {
  const position: CompositePosition = { ...incoming };
  const heads = new Map<string, number>(pages.map((page) => [page.region, 0]));
  let last = lastKey;
  for (const page of pages) skipEmitted(page, heads, position, last);

  const edges: MergedEdge[] = [];
  while (edges.length < first) {
    const group = smallestHeads(pages, heads);
    if (group.length === 0) break;
    const key = pages.find((p) => p.region === group[0].region)!.keys[group[0].index];
    for (const ref of group) {
      const page = pages.find((p) => p.region === ref.region)!;
      heads.set(ref.region, ref.index + 1);
      position[ref.region] = page.cursors[ref.index];
    }
    last = key;
    for (const page of pages) skipEmitted(page, heads, position, last);
    edges.push({ from: group[0], duplicates: group.slice(1), position: { ...position }, key });
  }
  const hasNextPage = pages.some((page) => heads.get(page.region)! < page.keys.length || page.hasNextPage);
  return { edges, end: position, lastKey: last, hasNextPage };
}

/**
 * Moves a region's head (and its position) past every key at or before `last`: those
 * nodes were already emitted, from this region or another. Then marks the region
 * exhausted if nothing is left of it.
 */
function skipEmitted(page: RegionPage, heads: Map<string, number>, position: CompositePosition, last: string | null): void {
  let index = heads.get(page.region)!;
  while (last !== null && index < page.keys.length && page.keys[index] <= last) {
    position[page.region] = page.cursors[index];
    index++;
  }
  heads.set(page.region, index);
  markIfExhausted(page, index, position);
}

/**
 * The heads holding the smallest key, or none when the merge must stop: a region that
 * has more results than it sent, and whose sent ones are all taken, might hold the next
 * smallest key, so nothing can be taken safely past that point.
 */
function smallestHeads(pages: readonly RegionPage[], heads: Map<string, number>): EdgeRef[] {
  let smallest: string | null = null;
  let group: EdgeRef[] = [];
  for (const page of pages) {
    const index = heads.get(page.region)!;
    if (index >= page.keys.length) {
      if (page.hasNextPage) return [];
      continue;
    }
    const key = page.keys[index];
    if (smallest === null || key < smallest) {
      smallest = key;
      group = [{ region: page.region, index }];
    } else if (key === smallest) {
      group.push({ region: page.region, index });
    }
  }
  return group;
}

function markIfExhausted(page: RegionPage, taken: number, position: CompositePosition): void {
  if (taken >= page.keys.length && !page.hasNextPage) position[page.region] = false satisfies RegionPosition;
}
