/**
 * Police numbers (officer ids): Liandong's form is `REGION-NNNNNNN` (`JS-0310552`), the
 * form the identity provider puts in a token's `sub`. Regions write them their own way:
 * with or without the hyphen, in full-width digits, or — for their own officers — as the
 * seven digits alone. One function turns each of those into the one form, so "is this
 * officer assigned to that case" is plain string equality.
 */
import { NormalisationError, toHalfWidth } from './errors.ts';

export const OFFICER_ID = /^[A-Z][A-Z0-9]{1,7}-\d{7}$/;

/**
 * Normalise a police number as written. `homeRegion` is the region that wrote it: a bare
 * seven-digit number is one of that region's own officers.
 */
export function normaliseOfficerId(typed: string, homeRegion?: string): string {
  if (typeof typed !== 'string') throw refuse(String(typed), 'expected a string');
  const input = toHalfWidth(typed).trim().toUpperCase();
  const full = /^([A-Z][A-Z0-9]{1,7}?)-?(\d{7})$/.exec(input);
  if (full) return `${full[1]}-${full[2]}`;
  if (/^\d{7}$/.test(input) && homeRegion) return `${homeRegion}-${input}`;
  throw refuse(typed, `expected REGION-NNNNNNN, e.g. JS-0310552${homeRegion ? ` (or seven digits for an officer of ${homeRegion})` : ''}`);
}

function refuse(input: string, why: string): NormalisationError {
  return new NormalisationError('format', 'officerId', input, `police number "${input}": ${why}`);
}

/**
 * A token's `sub` as a police number, or null when it is none (a service account, a test
 * identity): such a caller is no case's officer. For comparing callers with assignments.
 */
export function officerIdOf(sub: string | null | undefined): string | null {
  if (typeof sub !== 'string') return null;
  try {
    return normaliseOfficerId(sub);
  } catch {
    return null;
  }
}
