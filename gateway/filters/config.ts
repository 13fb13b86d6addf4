/**
 * The `filters` section of `config/gateway.json`: the regions' membership filters.
 *
 *   "filters": {
 *     "enabled": true,          // skip regions whose filter rules a key out (false: ask every region, as before)
 *     "keysDir": ".data/keys",  // where each region's public filter key is (filter-<REGION>.jwks.json);
 *                               // default: auth.keysDir, beside the gateway's other keys
 *     "staleAfterMs": 6000,     // a filter is trusted only while its region's change stream was heard this recently
 *     "refreshMs": 60000        // each filter is fetched again this often (a rebuilt one is more exact)
 *   }
 *
 * A copy fetched more than 3 × refreshMs ago is not trusted either (refreshes failing).
 */
import { resolve } from 'node:path';
import { boolean, integer, object, onlyKeys, optional, string } from '../config/check.ts';
import { section } from '../config/section.ts';

export interface FiltersConfig {
  enabled: boolean;
  /** null: the gateway's own keys directory (auth.keysDir). */
  keysDir: string | null;
  staleAfterMs: number;
  refreshMs: number;
}

const KEYS = ['enabled', 'keysDir', 'staleAfterMs', 'refreshMs'] as const;

export const filtersSection = section({
  key: 'filters',
  validate(raw, at, { dir }): FiltersConfig {
    const obj = raw === undefined ? {} : object(raw, at);
    onlyKeys(obj, KEYS, at);
    const staleAfterMs = optional(obj.staleAfterMs, 6000, (v) => integer(v, at.key('staleAfterMs'), { min: 500, max: 300_000 }));
    const refreshMs = optional(obj.refreshMs, 60_000, (v) => integer(v, at.key('refreshMs'), { min: 1000, max: 86_400_000 }));
    return {
      enabled: optional(obj.enabled, true, (v) => boolean(v, at.key('enabled'))),
      keysDir: optional(obj.keysDir, null, (v) => resolve(dir, string(v, at.key('keysDir')))),
      staleAfterMs,
      refreshMs,
    };
  },
});
