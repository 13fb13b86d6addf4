import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigPath } from '../config/check.ts';
import { validateConfig } from '../config/load.ts';
import { rotateCursorKeys, cursorKeysPath } from './keys.ts';
import { searchCursors } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'liandong-cursors-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const validate = (raw: unknown) => validateConfig(raw, new ConfigPath('config/gateway.json'), { env: {}, dir }, join(dir, 'gateway.json'));
const binding = { caller: 'JS-0310552', field: 'searchPersons', filter: { name: '張*' } };

describe('the cursors config section', () => {
  it('defaults to a 30-minute lifetime', () => {
    expect(validate({}).cursors).toEqual({ ttlSeconds: 1800 });
    expect(validate({ cursors: { ttlSeconds: 300 } }).cursors.ttlSeconds).toBe(300);
  });

  it('refuses at start-up a lifetime out of range or an unknown key, naming the setting', () => {
    expect(() => validate({ cursors: { ttlSeconds: 5 } })).toThrow(/cursors\.ttlSeconds/);
    expect(() => validate({ cursors: { ttlSeconds: 86_401 } })).toThrow(/cursors\.ttlSeconds/);
    expect(() => validate({ cursors: { ttl: 60 } })).toThrow(/cursors/);
  });
});

describe('searchCursors(config)', () => {
  it('gives replicas sharing the keys directory cursors that open on each other, across a key rotation', () => {
    const config = validate({ auth: { keysDir: join(dir, 'keys') } });
    const one = searchCursors(config);
    const two = searchCursors(config);
    const cursor = one.seal({ JS: 'a', GZ: false }, binding);
    expect(two.open(cursor, binding)).toEqual({ JS: 'a', GZ: false });
    rotateCursorKeys(cursorKeysPath(config.auth.keysDir));
    const restarted = searchCursors(config);
    expect(restarted.open(cursor, binding)).toEqual({ JS: 'a', GZ: false });
    expect(restarted.seal({ JS: 'b' }, binding).split('.')[1]).not.toBe(cursor.split('.')[1]);
  });
});
