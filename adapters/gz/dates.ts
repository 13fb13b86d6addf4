/**
 * GZ's dates (YYYYMMDD) and times (YYYYMMDDHHMMSS, Beijing time UTC+8, no zone) to
 * the contract's ISO forms, and search bounds (validated by support/paging.ts) back
 * to GZ's forms.
 */
import { AdapterError } from '../adapter.ts';
import { filterDate, filterInstant } from '../support/paging.ts';
import { badData } from './errors.ts';

const BEIJING_OFFSET_MS = 8 * 3600_000;

function parts(value: string, length: 8 | 14): number[] | null {
  if (value.length !== length || !/^\d+$/.test(value)) return null;
  const n = (from: number, to: number) => Number(value.slice(from, to));
  return length === 8 ? [n(0, 4), n(4, 6), n(6, 8), 0, 0, 0] : [n(0, 4), n(4, 6), n(6, 8), n(8, 10), n(10, 12), n(12, 14)];
}

/** UTC milliseconds of the fields, or null when they do not name a real moment. */
function utcMs(p: number[] | null): number | null {
  if (!p) return null;
  const [y, mo, d, h, mi, s] = p;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  const real =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s;
  return real ? ms : null;
}

/** `19400101` → `1940-01-01`. */
export function isoDateFromGz(value: string, field: string): string {
  if (utcMs(parts(value, 8)) === null) throw badData(`${field} "${value}" is not a YYYYMMDD date`);
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
}

/** Beijing `20260101080000` → `2026-01-01T00:00:00Z` (GZ keeps whole seconds). */
export function isoTimeFromGz(value: string, field: string): string {
  const ms = utcMs(parts(value, 14));
  if (ms === null) throw badData(`${field} "${value}" is not a YYYYMMDDHHMMSS time`);
  return new Date(ms - BEIJING_OFFSET_MS).toISOString().replace('.000Z', 'Z');
}

/** GZ stores some issue dates as a date and others as a time. */
export function isoDateOrTimeFromGz(value: string, field: string): string {
  return value.length === 8 ? isoDateFromGz(value, field) : isoTimeFromGz(value, field);
}

/**
 * A birth-date filter bound → `YYYYMMDD`. support/paging.ts checks the ISO shape; the
 * day must also exist (Date.parse rolls 1990-02-30 over into March).
 */
export function gzDateBound(field: string, value: string | undefined): string | undefined {
  const iso = filterDate('GZ', field, value);
  if (iso === undefined) return undefined;
  const compact = iso.replaceAll('-', '');
  if (utcMs(parts(compact, 8)) === null) throw new AdapterError('BAD_INPUT', 'GZ', `${field} "${iso}" is not a day of the calendar`);
  return compact;
}

/** A reporting-time filter bound (ISO date or date-time) → Beijing `YYYYMMDDHHMMSS`. */
export function gzTimeBound(field: string, value: string | undefined, bound: 'from' | 'to'): string | undefined {
  const instant = filterInstant('GZ', field, value, bound);
  if (instant === undefined) return undefined;
  return new Date(Date.parse(instant) + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** An ISO date-time the subgraph made (a write's time) → Beijing `YYYYMMDDHHMMSS`. */
export function gzTimeOf(iso: string): string {
  return new Date(Date.parse(iso) + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}
