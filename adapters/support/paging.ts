/**
 * Keyset paging shared by the adapters: validates the page request and search
 * filters, encodes cursors (opaque to callers, tagged with the search they belong to)
 * and assembles a Page from `first + 1` fetched rows.
 */
import { AdapterError, type Page, type PageRequest } from '../adapter.ts';
import { quoteInput } from '../../common/normalise/index.ts';

export const MAX_PAGE_SIZE = 1000;

export type SearchKind = 'persons' | 'cases' | 'vehicles';

interface CursorBody {
  k: SearchKind;
  v: string[];
}

export function encodeCursor(kind: SearchKind, key: string[]): string {
  return Buffer.from(JSON.stringify({ k: kind, v: key } satisfies CursorBody)).toString('base64url');
}

/** The keyset position a cursor holds; BAD_INPUT when it is not one of ours for this search. */
export function decodeCursor(region: string, kind: SearchKind, cursor: string | null | undefined, parts: number): string[] | null {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(String(cursor), 'base64url').toString('utf8'));
  } catch {
    body = null;
  }
  const ok =
    typeof body === 'object' &&
    body !== null &&
    (body as CursorBody).k === kind &&
    Array.isArray((body as CursorBody).v) &&
    (body as CursorBody).v.length === parts &&
    (body as CursorBody).v.every((x) => typeof x === 'string');
  if (!ok)
    throw new AdapterError(
      'BAD_INPUT',
      region,
      `cursor ${quoteInput(cursor)} is not a ${kind} cursor of this region; pass a cursor from the previous page`,
    );
  return (body as CursorBody).v;
}

export function checkPage(region: string, page: PageRequest): number {
  const first = page?.first;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new AdapterError('BAD_INPUT', region, `page size "first" must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(first)}`);
  }
  return first;
}

/** Build a page from up to `first + 1` rows fetched in key order. */
export function toPage<T>(kind: SearchKind, rows: T[], first: number, keyOf: (item: T) => string[], totalCount: number): Page<T> {
  const items = rows.slice(0, first);
  return {
    items,
    cursors: items.map((item) => encodeCursor(kind, keyOf(item))),
    hasNextPage: rows.length > first,
    totalCount,
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A filter bound as an ISO UTC instant with second precision (`2026-01-01T00:00:00Z`),
 * the form both SQLite-backed systems store, so string comparison is time comparison.
 * A date alone means the start of that day for a lower bound, the end for an upper bound.
 */
export function filterInstant(region: string, field: string, value: string | undefined, bound: 'from' | 'to'): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  if (ISO_DATE.test(text) && !Number.isNaN(Date.parse(text))) {
    return `${text}T${bound === 'from' ? '00:00:00' : '23:59:59'}Z`;
  }
  if (ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text))) {
    const iso = new Date(Date.parse(text)).toISOString();
    return iso.replace(/\.\d{3}Z$/, 'Z');
  }
  throw new AdapterError('BAD_INPUT', region, `${field} ${quoteInput(text)} is not an ISO date (YYYY-MM-DD) or date-time`);
}

/** A filter date (YYYY-MM-DD) for date-only columns such as birth dates. */
export function filterDate(region: string, field: string, value: string | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  if (ISO_DATE.test(text) && isRealDay(text.slice(0, 10))) return text;
  throw new AdapterError('BAD_INPUT', region, `${field} ${quoteInput(text)} is not an ISO date (YYYY-MM-DD) that exists`);
}

/** Date.parse rolls 1990-02-30 over into March; a real day survives the round trip. */
function isRealDay(yyyyMmDd: string): boolean {
  const time = Date.parse(`${yyyyMmDd}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === yyyyMmDd;
}

/** An enum filter value, refused unless it is one of `allowed`. */
export function filterEnum<T extends string>(region: string, field: string, value: T | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!allowed.includes(value)) {
    throw new AdapterError('BAD_INPUT', region, `${field} ${quoteInput(value)} is not one of ${allowed.join(', ')}`);
  }
  return value;
}

/** Unicode category Cc: C0 controls (NUL, tab, newline…), DEL, C1 controls. */
const CONTROL = /\p{Cc}/u;

/**
 * Refuses a search filter whose text holds a control character, naming the field. No
 * name, place, plate, make or colour holds one, and systems treat them unpredictably
 * (GZ's legacy service cut its `place` filter at a NUL and returned every case). Every
 * adapter's filter passes through here, so none depends on the gateway having checked.
 */
export function checkFilterText(region: string, filter: object | null | undefined): void {
  for (const [field, value] of Object.entries(filter ?? {})) {
    const control = typeof value === 'string' ? CONTROL.exec(value) : null;
    if (control) {
      const code = `U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new AdapterError(
        'BAD_INPUT',
        region,
        `${field}: the filter text holds the control character ${code}; filter text may not contain control characters`,
      );
    }
  }
}

/** Name filter: exact, or a prefix when it ends with `*`; an empty name or prefix would match everyone and is refused. */
export function nameMatch(region: string, value: string | undefined): { exact: string } | { prefix: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  const match = text.endsWith('*') ? { prefix: text.slice(0, -1) } : { exact: text };
  if (('prefix' in match ? match.prefix : match.exact) === '') {
    throw new AdapterError('BAD_INPUT', region, `name "${text}" is empty; give a name, or the first characters of one followed by *`);
  }
  return match;
}

/** Upper bound for a prefix range scan over BINARY-collated text: every string starting with `prefix` sorts below it. */
export const prefixUpperBound = (prefix: string) => `${prefix}\u{10FFFF}`;
