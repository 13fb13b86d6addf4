/**
 * Where GraphiQL keeps its tabs between visits, per version of the saved examples.
 *
 * GraphiQL restores the tabs it stored in localStorage and then ignores `defaultTabs`:
 * whoever opened the page before the examples (or the demo data's values in them)
 * changed would get yesterday's tabs back, with values the data no longer holds. So the
 * stored keys are prefixed with a digest of the examples as this page builds them: the
 * same examples restore the user's tabs, new ones start from the new examples, and
 * entries stored under another digest are removed.
 */
import type { Storage } from '@graphiql/toolkit';

const PREFIX = 'liandong:';

/** FNV-1a (32 bit) over the text: a short, stable version tag, not a security measure. */
export function versionOf(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** GraphiQL's key for its stored tabs (StorageAPI prefixes `graphiql:`). */
const TABS_KEY = 'graphiql:tabState';

export interface TabStorage {
  storage: Storage;
  /** Whether tabs of this version were stored on an earlier visit (GraphiQL restores them). */
  hasSavedTabs: boolean;
}

/** The keys of a Web Storage, through its own API (key(i)), copied before any is removed. */
function keysOf(backing: globalThis.Storage): string[] {
  const keys: string[] = [];
  for (let i = 0; i < backing.length; i++) {
    const key = backing.key(i);
    if (key !== null) keys.push(key);
  }
  return keys;
}

export function tabStorage(version: string, backing: globalThis.Storage = window.localStorage): TabStorage {
  const prefix = `${PREFIX}${version}:`;
  const ownKeys = () => keysOf(backing).filter((key) => key.startsWith(prefix));
  // Another version's tabs would never be read again.
  for (const key of keysOf(backing)) if (key.startsWith(PREFIX) && !key.startsWith(prefix)) backing.removeItem(key);
  const storage: Storage = {
    getItem: (key) => backing.getItem(prefix + key),
    setItem: (key, value) => backing.setItem(prefix + key, value),
    removeItem: (key) => backing.removeItem(prefix + key),
    clear: () => ownKeys().forEach((key) => backing.removeItem(key)),
    get length() {
      return ownKeys().length;
    },
  };
  return { storage, hasSavedTabs: backing.getItem(prefix + TABS_KEY) !== null };
}
