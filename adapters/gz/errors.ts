/** The GZ adapter's typed failures, made in one place so every message names the region. */
import { AdapterError } from '../adapter.ts';

export const REGION = 'GZ';

/** GZ answered something that is not what its interface promises. */
export function badData(message: string): AdapterError {
  return new AdapterError('BAD_SOURCE_DATA', REGION, message);
}

/** GZ is down, failing or too slow. */
export function unavailable(message: string, cause?: unknown): AdapterError {
  return new AdapterError('UNAVAILABLE', REGION, message, { cause });
}
