/**
 * Keys read from a regional system, normalised. A key the region stored that does not
 * normalise is the region's fault, not the caller's: BAD_SOURCE_DATA, naming the value.
 */
import { AdapterError } from '../adapter.ts';
import { normaliseIdNumber, normaliseOfficerId, normalisePlate } from '../../common/normalise/index.ts';

function normalised(region: string, what: string, value: string, normalise: (v: string) => string): string {
  try {
    return normalise(value);
  } catch (error) {
    throw new AdapterError('BAD_SOURCE_DATA', region, `stored ${what} "${value}" is invalid: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export const sourceIdNumber = (region: string, value: string) => normalised(region, 'identity number', value, normaliseIdNumber);
export const sourcePlate = (region: string, value: string) => normalised(region, 'plate', value, normalisePlate);
/** A police number the region stored; a bare seven-digit number is one of the region's own officers. */
export const sourceOfficerId = (region: string, value: string) =>
  normalised(region, 'police number', value, (v) => normaliseOfficerId(v, region));
