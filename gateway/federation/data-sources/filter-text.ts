/**
 * Control characters in search filter text.
 *
 * No name, place, make or colour contains one, and legacy systems treat them
 * unpredictably: GZ's service cut its `place` filter at a NUL and returned every case.
 * The gateway refuses them before any region is asked; the adapters' shared filter
 * validation (adapters/support/paging.ts) refuses them again, so no region is exposed
 * by a path that skips the gateway's check.
 */

/** Unicode category Cc: C0 controls (NUL, tab, newline…), DEL, C1 controls. */
const CONTROL = /\p{Cc}/u;

/** The first string in `value` (a filter object, nested lists included) holding a control character, or null. */
export function controlCharacterIn(value: unknown, path = ''): { path: string; character: string } | null {
  if (typeof value === 'string') {
    const found = CONTROL.exec(value);
    return found ? { path, character: `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = controlCharacterIn(item, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = controlCharacterIn(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}
