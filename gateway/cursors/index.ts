/**
 * Search cursors: the sealer the search data source uses for every cursor it hands out
 * and every `after` it is given (sealed-cursor.ts), with the key ring from the gateway's
 * key directory (keys.ts) and the lifetime from the `cursors` config section.
 *
 *   const cursors = searchCursors(config);   // creates .data/keys/search-cursor.keys.json if absent
 */
import { cursorKeysPath, ephemeralCursorKeys, loadOrCreateCursorKeys } from './keys.ts';
import { CursorSealer } from './sealed-cursor.ts';
import { CURSORS_DEFAULTS, type CursorsConfig } from './config.ts';

/** Takes the two settings it reads rather than the whole GatewayConfig: cursors/ knows no other section. */
export function searchCursors(config: { auth: { keysDir: string }; cursors: CursorsConfig }): CursorSealer {
  return new CursorSealer({ keys: loadOrCreateCursorKeys(cursorKeysPath(config.auth.keysDir)), ttlSeconds: config.cursors.ttlSeconds });
}

/**
 * A sealer with a random key held only by this process: its cursors work only here and
 * die with it. For data sources built without the gateway's configuration (tests, tools).
 */
export function ephemeralSearchCursors(ttlSeconds = CURSORS_DEFAULTS.ttlSeconds): CursorSealer {
  return new CursorSealer({ keys: ephemeralCursorKeys(), ttlSeconds });
}

export { CursorSealer, type CursorBinding } from './sealed-cursor.ts';
export { cursorsSection, type CursorsConfig } from './config.ts';
