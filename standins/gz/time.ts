/**
 * GZ writes dates as YYYYMMDD and times as YYYYMMDDHHMMSS in Beijing time (UTC+8),
 * without a zone: the stand-in converts the contract's ISO values on the way in.
 */
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** `2026-03-01` → `20260301`. */
export function gzDate(isoDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new Error(`GZ writer: expected an ISO date yyyy-mm-dd, got "${isoDate}"`);
  return isoDate.replaceAll('-', '');
}

/** An ISO date-time (any zone) → Beijing `YYYYMMDDHHMMSS`. */
export function gzTime(isoDateTime: string | Date): string {
  const ms = typeof isoDateTime === 'string' ? Date.parse(isoDateTime) : isoDateTime.getTime();
  if (Number.isNaN(ms)) throw new Error(`GZ writer: expected an ISO date-time, got "${String(isoDateTime)}"`);
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** A date-only value stays a date; a date-time becomes a Beijing time. */
export function gzDateOrTime(iso: string): string {
  return iso.length === 10 ? gzDate(iso) : gzTime(iso);
}
