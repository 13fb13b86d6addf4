/**
 * GraphiQL's stored tabs are kept per version of the saved examples: a returning user
 * gets their tabs back while the examples are the same, and the new examples (not
 * yesterday's values) once they change.
 */
import { describe, expect, it } from 'vitest';
import { tabStorage, versionOf } from './tab-storage.ts';

/** A Web Storage over a Map, as localStorage behaves. */
function memoryStorage(entries: Record<string, string> = {}): Storage {
  const map = new Map(Object.entries(entries));
  return {
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => {
      map.set(key, String(value));
    },
    removeItem: (key: string) => {
      map.delete(key);
    },
    clear: () => map.clear(),
  };
}

describe('tabStorage', () => {
  it("restores this version's tabs and reports them, keeping GraphiQL's keys apart from other sites' data", () => {
    const backing = memoryStorage({ unrelated: 'kept' });
    const first = tabStorage('v1', backing);
    expect(first.hasSavedTabs).toBe(false);
    first.storage.setItem('graphiql:tabState', '{"tabs":[]}');
    expect(backing.getItem('liandong:v1:graphiql:tabState')).toBe('{"tabs":[]}');
    const again = tabStorage('v1', backing);
    expect(again.hasSavedTabs).toBe(true);
    expect(again.storage.getItem('graphiql:tabState')).toBe('{"tabs":[]}');
    expect(again.storage.length).toBe(1);
    expect(backing.getItem('unrelated')).toBe('kept');
  });

  it("starts from the new examples when they changed, and drops the old version's entries", () => {
    const backing = memoryStorage({
      'liandong:v1:graphiql:tabState': '{}',
      'liandong:v1:graphiql:variables': '{"idNumber":"110101199003074477"}',
    });
    const next = tabStorage('v2', backing);
    expect(next.hasSavedTabs).toBe(false);
    expect(next.storage.getItem('graphiql:variables')).toBeNull();
    expect(backing.length).toBe(0);
  });

  it('versions differ when the examples do', () => {
    expect(versionOf('{"idNumber":"321202980212127"}')).toBe(versionOf('{"idNumber":"321202980212127"}'));
    expect(versionOf('{"idNumber":"321202980212127"}')).not.toBe(versionOf('{"idNumber":"110101199003074477"}'));
  });
});
