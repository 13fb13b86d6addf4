/**
 * ISO date formatting by arithmetic (Hinnant's civil-from-days), several times faster
 * than `new Date(...).toISOString()`, which matters at millions of records.
 */
const DAY_MS = 86_400_000;
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD` of a day count since 1970-01-01 (UTC). */
export function isoDateOfDay(daysSinceEpoch: number): string {
  const z = daysSinceEpoch + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${two(month)}-${two(day)}`;
}

/** `YYYY-MM-DD` of an epoch time in ms (UTC). */
export function isoDate(ms: number): string {
  return isoDateOfDay(Math.floor(ms / DAY_MS));
}

/** `YYYY-MM-DDTHH:MM:SSZ` of an epoch time in ms (UTC), seconds precision. */
export function isoSeconds(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const s = Math.floor((ms - day * DAY_MS) / 1000);
  return `${isoDateOfDay(day)}T${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}Z`;
}
