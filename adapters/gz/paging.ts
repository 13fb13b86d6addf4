/**
 * GZ pages searches the legacy way (`page`, `pageSize`, a total); the adapter
 * interface wants a cursor after every item. A cursor (tagged with its search, see
 * support/paging.ts) holds the offset after its item and the item's sort key.
 * Resuming asks GZ for the pages that cover the range from that offset and drops
 * items that sort at or before the key, so a record inserted before the cursor since
 * the last page does not show an item twice. (A record deleted before the cursor can
 * still make one item skipped: offset paging is all GZ offers.)
 */
import { AdapterError, type Page, type PageRequest } from '../adapter.ts';
import { checkPage, decodeCursor, encodeCursor, type SearchKind } from '../support/paging.ts';
import { isRow, type Row } from './records.ts';
import { badData } from './errors.ts';
import { quoteInput } from '../../common/normalise/index.ts';

/** GZ's largest page; a larger request is served from several pages. */
export const GZ_MAX_PAGE_SIZE = 200;

/** The 1-based pages of size `pageSize` that cover items [offset, offset + count). */
export function pagesCovering(offset: number, count: number): { pageSize: number; pages: number[] } {
  const pageSize = Math.min(count, GZ_MAX_PAGE_SIZE);
  const first = Math.floor(offset / pageSize);
  const last = Math.floor((offset + count - 1) / pageSize);
  return { pageSize, pages: Array.from({ length: last - first + 1 }, (_, i) => first + i + 1) };
}

export interface LegacyPage {
  total: number;
  rows: Row[];
}

export function legacyPage(data: unknown, what: string): LegacyPage {
  const page = data as { total?: unknown; rows?: unknown };
  if (!isRow(page) || typeof page.total !== 'number' || !Array.isArray(page.rows) || !page.rows.every(isRow)) {
    throw badData(`${what}: expected {"total": n, "rows": [...]}`);
  }
  return { total: page.total, rows: page.rows };
}

/**
 * One adapter page over GZ's offset pages. `fetchPage(page, pageSize)` asks GZ;
 * `sortKey` is the item's position in GZ's fixed order.
 */
export async function offsetPage<T>(
  kind: SearchKind,
  request: PageRequest,
  fetchPage: (page: number, pageSize: number) => Promise<LegacyPage>,
  map: (row: Row) => T,
  sortKey: (item: T) => string,
): Promise<Page<T>> {
  const first = checkPage('GZ', request);
  const cursor = decodeCursor('GZ', kind, request?.after, 2);
  const offset = cursor ? Number(cursor[0]) : 0;
  if (!Number.isSafeInteger(offset) || offset < 0) throw badCursor(request.after);
  const { pageSize, pages } = pagesCovering(offset, first);
  const answers = await Promise.all(pages.map((page) => fetchPage(page, pageSize)));
  const skip = offset - (pages[0] - 1) * pageSize;
  const range = answers
    .flatMap((a) => a.rows)
    .slice(skip, skip + first)
    .map(map);
  const total = answers[answers.length - 1].total;
  const items: T[] = [];
  const cursors: string[] = [];
  range.forEach((item, i) => {
    const key = sortKey(item);
    if (cursor && key <= cursor[1]) return;
    items.push(item);
    cursors.push(encodeCursor(kind, [String(offset + i + 1), key]));
  });
  return { items, cursors, hasNextPage: offset + range.length < total, totalCount: total };
}

function badCursor(after: unknown): AdapterError {
  return new AdapterError('BAD_INPUT', 'GZ', `cursor ${quoteInput(after)} holds no valid offset; pass a cursor from the previous page`);
}
