/**
 * Reading every row of GZ's large lists, for the membership filter (`heldKeys`).
 *
 * GZ's legacy API pages by offset only, and its database pays for an offset by stepping
 * over every row before it: at 1M persons a page deep in the person list takes about a
 * second, and the 5,000 pages of a full walk over an hour. The same API also filters
 * each list by a range or a prefix, and a filtered window is cheap to page (its offsets
 * stay small). So the lists are read in windows:
 *
 * - by a date column (persons by birth date, cases by report time), with the legacy
 *   API's inclusive bounds. Neighbouring windows share their boundary, and the first and
 *   last are open-ended, so together they cover every possible value of the column, by
 *   construction (a row on a boundary is read twice: a filter adds a key once either way).
 *   A window holding more than WINDOW_ROWS rows is halved until it does not.
 * - by a plate prefix (vehicles), which covers only the prefixes tried: there the walk
 *   must prove it missed nothing — the windows' totals add up to the list's total, and no
 *   vehicle changed while it ran — or the list is read again by plain offset paging.
 *
 * Why paging one window by offset is sound while GZ writes: GZ never deletes a record. A
 * record inserted, or moved between windows or pages by an edit, during the walk may be
 * missed by it — but every insert and edit is in GZ's change log, and the membership
 * filter applies the change log from before the walk starts (subgraphs/filters).
 */
import type { Row } from './records.ts';
import type { LegacyPage } from './paging.ts';
import { GZ_MAX_PAGE_SIZE } from './paging.ts';

export type ListQuery = Record<string, string | number>;
/** One page of one GZ list: `query` holds the window's filter, `page` and `pageSize`. */
export type ReadPage = (query: ListQuery) => Promise<LegacyPage>;

/** A window is paged once it holds at most this many rows (five pages): its deepest offset stays small. */
export const WINDOW_ROWS = 1000;

/** A page of a window slower than this gets the window halved (see timed()). */
const SLOW_PAGE_MS = 500;

/** How many rows a window holds (a one-row page, for its total). */
export async function count(read: ReadPage, filter: ListQuery): Promise<number> {
  return (await read({ ...filter, page: 1, pageSize: 1 })).total;
}

/** Every row of one window (or of the whole list, with no filter), page by page. */
export async function* pagesOf(read: ReadPage, filter: ListQuery = {}): AsyncGenerator<Row[]> {
  for (let page = 1; ; page++) {
    const { rows, total } = await read({ ...filter, page, pageSize: GZ_MAX_PAGE_SIZE });
    yield rows;
    if (rows.length === 0 || page * GZ_MAX_PAGE_SIZE >= total) return;
  }
}

export interface DateWindows {
  /** The legacy API's inclusive lower and upper bound parameters (e.g. `csrqq`, `csrqz`). */
  from: string;
  to: string;
  /** The bounded part of the range (Date.UTC ms, whole years are used); below and above it are open windows. */
  firstDay?: number;
  lastDay?: number;
  /** Rows a window may hold before it is halved (default WINDOW_ROWS). */
  windowRows?: number;
}

const DAY_MS = 86_400_000;

/** YYYYMMDD, the form GZ's dates and times start with (so the bound compares as text with either). */
function gzDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Every row of a list, in windows of a date column (see the header). The bounded range
 * starts as one window a year, not one window halved: GZ sorts a window's rows to answer
 * any page of it, even the one-row page that counts it, and a window of every row sorts
 * them all (seconds at 1M, past the client's timeout).
 */
export async function* rowsByDateWindows(read: ReadPage, windows: DateWindows): AsyncGenerator<Row[]> {
  const firstYear = new Date(windows.firstDay ?? Date.UTC(1900, 0, 1)).getUTCFullYear();
  const lastYear = new Date(windows.lastDay ?? Date.UTC(new Date().getUTCFullYear() + 2, 0, 1)).getUTCFullYear();
  yield* pagesOf(read, { [windows.to]: gzDay(Date.UTC(firstYear, 0, 1)) });
  for (let year = firstYear; year < lastYear; year++) yield* halved(read, windows, Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1));
  yield* pagesOf(read, { [windows.from]: gzDay(Date.UTC(lastYear, 0, 1)) });
}

async function* halved(read: ReadPage, windows: DateWindows, from: number, to: number): AsyncGenerator<Row[]> {
  const filter = { [windows.from]: gzDay(from), [windows.to]: gzDay(to) };
  const days = Math.round((to - from) / DAY_MS);
  const halves = async function* () {
    const middle = from + Math.floor(days / 2) * DAY_MS;
    yield* halved(read, windows, from, middle);
    yield* halved(read, windows, middle, to);
  };
  if (days <= 1) {
    yield* pagesOf(read, filter);
    return;
  }
  // A window GZ is slow on is halved too (its rows already read are read again: a filter adds a key once either way).
  const held = await timed(() => count(read, filter));
  if (held === null || held > (windows.windowRows ?? WINDOW_ROWS)) {
    yield* halves();
    return;
  }
  for (let page = 1; ; page++) {
    const answer = await timed(() => read({ ...filter, page, pageSize: GZ_MAX_PAGE_SIZE }));
    if (answer === null) {
      yield* halves();
      return;
    }
    yield answer.rows;
    if (answer.rows.length === 0 || page * GZ_MAX_PAGE_SIZE >= answer.total) return;
  }
}

/**
 * The answer, or null when GZ took longer than SLOW_PAGE_MS or failed. Why a window can be
 * slow: GZ's database plans each query from its statistics, and for some narrow windows it
 * walks its whole sort index instead of the date index (seconds at 1M, measured); half the
 * window is planned the cheap way again.
 */
async function timed<T>(ask: () => Promise<T>): Promise<T | null> {
  const started = performance.now();
  try {
    const answer = await ask();
    return performance.now() - started > SLOW_PAGE_MS ? null : answer;
  } catch {
    return null;
  }
}

export interface PrefixWindows {
  /** The legacy API's prefix parameter (e.g. `hphmqz`). */
  param: string;
  /** The prefix every window starts with (GZ's own plates: 貴). */
  stem: string;
  /** The characters a window's prefix is extended by, one position at a time. */
  alphabet: string;
  /** Longest prefix tried; a window that long is paged whatever it holds. */
  maxLength: number;
  /** Rows a window may hold before it is split by the next character (default WINDOW_ROWS). */
  windowRows?: number;
}

/**
 * Walks the prefix windows and reports how many rows they held (`rows`), for the caller's
 * proof that they covered the whole list.
 */
export async function* rowsByPrefixWindows(read: ReadPage, windows: PrefixWindows, tally: { rows: number }): AsyncGenerator<Row[]> {
  yield* byPrefix(read, windows, windows.stem, tally);
}

async function* byPrefix(read: ReadPage, windows: PrefixWindows, prefix: string, tally: { rows: number }): AsyncGenerator<Row[]> {
  const filter = { [windows.param]: prefix };
  const held = await count(read, filter);
  if (held === 0) return;
  if (held <= (windows.windowRows ?? WINDOW_ROWS) || [...prefix].length >= windows.maxLength) {
    for await (const rows of pagesOf(read, filter)) {
      tally.rows += rows.length;
      yield rows;
    }
    return;
  }
  for (const next of windows.alphabet) yield* byPrefix(read, windows, prefix + next, tally);
}
