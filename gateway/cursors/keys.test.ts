import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cursorKeysPath, loadOrCreateCursorKeys, readCursorKeys, rotateCursorKeys } from './keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'liandong-cursor-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('search-cursor keys', () => {
  it('are created once, private to the gateway, and read back the same', () => {
    const file = cursorKeysPath(join(dir, 'a'));
    const created = loadOrCreateCursorKeys(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(created).toHaveLength(1);
    expect(created[0].key).toHaveLength(32);
    const again = loadOrCreateCursorKeys(file);
    expect(again[0].kid).toBe(created[0].kid);
    expect(again[0].key.equals(created[0].key)).toBe(true);
  });

  it('rotate: a new sealing key first, the previous one kept to open cursors in flight, older ones dropped', () => {
    const file = cursorKeysPath(join(dir, 'b'));
    const [first] = loadOrCreateCursorKeys(file);
    const [second, kept] = rotateCursorKeys(file);
    expect(kept.kid).toBe(first.kid);
    const third = rotateCursorKeys(file);
    expect(third.map((k) => k.kid)).toEqual([third[0].kid, second.kid]);
    expect(readCursorKeys(file).map((k) => k.kid)).toEqual(third.map((k) => k.kid));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuse a file with a short key or a repeated kid, naming the entry', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ keys: [{ kid: 'k1', k: Buffer.alloc(16).toString('base64url') }] }));
    expect(() => readCursorKeys(file)).toThrow(/keys\[0\]\.k holds 16 bytes; expected 32/);
    const k = Buffer.alloc(32, 1).toString('base64url');
    writeFileSync(
      file,
      JSON.stringify({
        keys: [
          { kid: 'k1', k },
          { kid: 'k1', k },
        ],
      }),
    );
    expect(() => readCursorKeys(file)).toThrow(/kid k1 appears twice/);
    expect(readFileSync(file, 'utf8')).toContain('k1');
  });
});
