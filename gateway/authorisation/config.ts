/**
 * The `authorisation` section of config/gateway.json.
 *
 * ```json
 * "authorisation": { "rejectWholeOperation": false, "filterCacheSize": 2000 }
 * ```
 * - rejectWholeOperation: refuse an operation that asks for any field the caller may not
 *   see (one FORBIDDEN error, nothing executed) instead of answering the rest with nulls.
 * - filterCacheSize: filtered operations kept, per (query, operation name, caller facts).
 */
import { boolean, integer, object, onlyKeys, optional, type ConfigPath } from '../config/check.ts';
import { section } from '../config/section.ts';

export interface AuthorisationConfig {
  rejectWholeOperation: boolean;
  filterCacheSize: number;
}

export const AUTHORISATION_DEFAULTS: AuthorisationConfig = { rejectWholeOperation: false, filterCacheSize: 2000 };

const KEYS = ['rejectWholeOperation', 'filterCacheSize'] as const;

export function validateAuthorisationConfig(raw: unknown, at: ConfigPath): AuthorisationConfig {
  const obj = raw === undefined ? {} : object(raw, at);
  onlyKeys(obj, KEYS, at);
  return {
    rejectWholeOperation: optional(obj.rejectWholeOperation, AUTHORISATION_DEFAULTS.rejectWholeOperation, (v) =>
      boolean(v, at.key('rejectWholeOperation')),
    ),
    filterCacheSize: optional(obj.filterCacheSize, AUTHORISATION_DEFAULTS.filterCacheSize, (v) =>
      integer(v, at.key('filterCacheSize'), { min: 1, max: 1_000_000 }),
    ),
  };
}

export const authorisationSection = section({
  key: 'authorisation',
  validate: (raw, at) => validateAuthorisationConfig(raw, at),
});
