/**
 * Keys going into the GZ adapter. The interface promises normalised keys; a key that is
 * not (hostile text, a 15-digit number) cannot be any region's key, so it is not sent
 * and finds nothing. A normalised number born in the 1900s is looked up in both forms
 * GZ may have registered it under: 18 digits and the 15-digit legacy number.
 */
import { normaliseIdNumber, normalisePlate, toLegacyIdNumber } from '../../common/normalise/index.ts';

function isNormalised(key: unknown, normalise: (k: string) => string): key is string {
  if (typeof key !== 'string') return false;
  try {
    return normalise(key) === key;
  } catch {
    return false;
  }
}

/** Every form under which GZ may hold the normalised numbers among `idNumbers`. */
export function gzIdNumberForms(idNumbers: readonly unknown[]): string[] {
  return idNumbers
    .filter((k) => isNormalised(k, (v) => normaliseIdNumber(v)))
    .flatMap((k) => (k.slice(6, 8) === '19' ? [k, toLegacyIdNumber(k)] : [k]));
}

export const normalisedPlates = (plates: readonly unknown[]): string[] => plates.filter((k) => isNormalised(k, normalisePlate));

/** Local ids are opaque strings; anything else names no record. */
export const stringIds = (ids: readonly unknown[]): string[] => ids.filter((k): k is string => typeof k === 'string' && k.length > 0);
