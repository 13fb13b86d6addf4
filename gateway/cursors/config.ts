/**
 * The `cursors` section of config/gateway.json: search cursors (sealed-cursor.ts).
 *
 * ```json
 * "cursors": { "ttlSeconds": 1800 }
 * ```
 * - ttlSeconds: how long a page's cursors can be passed back as `after`. Every page
 *   issues fresh ones, so this bounds the pause between two pages, not a whole paging
 *   session; it also bounds how long a leaked cursor is worth anything. 30 s – 1 day.
 *
 * The key that seals them lives in `auth.keysDir` (keys.ts; rotation in
 * docs/operations.md).
 */
import { integer, object, onlyKeys, optional } from '../config/check.ts';
import { section } from '../config/section.ts';

export interface CursorsConfig {
  ttlSeconds: number;
}

export const CURSORS_DEFAULTS: CursorsConfig = { ttlSeconds: 1800 };

const KEYS = ['ttlSeconds'] as const;

export const cursorsSection = section({
  key: 'cursors',
  validate(raw, at): CursorsConfig {
    const obj = raw === undefined ? {} : object(raw, at);
    onlyKeys(obj, KEYS, at);
    return {
      ttlSeconds: optional(obj.ttlSeconds, CURSORS_DEFAULTS.ttlSeconds, (v) => integer(v, at.key('ttlSeconds'), { min: 30, max: 86_400 })),
    };
  },
});
