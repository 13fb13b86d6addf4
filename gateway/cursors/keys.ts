/**
 * The gateway's search-cursor keys: symmetric AES-256 keys that seal the composite
 * cursors handed to clients (see sealed-cursor.ts).
 *
 * They live beside the gateway's other keys (`auth.keysDir`, default `.data/keys`) in
 * one file, `search-cursor.keys.json` (mode 0600, gateway replicas only):
 *
 *     { "keys": [ { "kid": "k3f9a1c2e", "k": "<32 bytes, base64url>" }, … ] }
 *
 * The first key seals new cursors; every listed key opens them. Rotation therefore needs
 * no coordination beyond the file every replica reads: `rotateCursorKeys` puts a new key
 * first and keeps the one it replaces (cursors already handed out stay valid until they
 * expire), and drops any older one — so rotate at most once per cursor lifetime.
 * Created on first use, written exclusively (`wx`) so replicas starting at once agree.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CURSOR_KEYS_FILE = 'search-cursor.keys.json';
const KEY_BYTES = 32;
const KID = /^[A-Za-z0-9_-]{1,32}$/;

export interface CursorKey {
  kid: string;
  key: Buffer;
}

/** First: the key that seals; all: the keys that open. */
export type CursorKeyRing = readonly [CursorKey, ...CursorKey[]];

export function cursorKeysPath(keysDir: string): string {
  return join(keysDir, CURSOR_KEYS_FILE);
}

/** A key ring held only in memory (a process that shares cursors with nobody, tests). */
export function ephemeralCursorKeys(): CursorKeyRing {
  return [newKey()];
}

/** Reads the key file, creating it with one fresh key first if it does not exist. */
export function loadOrCreateCursorKeys(file: string): CursorKeyRing {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, serialise([newKey()]), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another replica created it between our check and our write: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readCursorKeys(file);
}

export function readCursorKeys(file: string): CursorKeyRing {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read search-cursor keys ${file}: ${(error as Error).message}`);
  }
  const list = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(list) || list.length === 0)
    throw new Error(`search-cursor keys ${file}: expected {"keys": [{"kid", "k"}, …]} with at least one key`);
  const keys = list.map((entry: { kid?: unknown; k?: unknown }, i) => {
    const at = `${file}: keys[${i}]`;
    if (typeof entry?.kid !== 'string' || !KID.test(entry.kid))
      throw new Error(`${at}.kid is ${JSON.stringify(entry?.kid)}; expected 1–32 characters of A-Z a-z 0-9 _ -`);
    const key = typeof entry.k === 'string' ? Buffer.from(entry.k, 'base64url') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES)
      throw new Error(`${at}.k holds ${key.length} bytes; expected ${KEY_BYTES} bytes of base64url (an AES-256 key)`);
    return { kid: entry.kid, key };
  });
  const kids = keys.map((k) => k.kid);
  const repeated = kids.find((kid, i) => kids.indexOf(kid) !== i);
  if (repeated) throw new Error(`search-cursor keys ${file}: kid ${repeated} appears twice; each key needs its own kid`);
  return keys as unknown as CursorKeyRing;
}

/** Puts a new key first, keeps the previous sealing key for cursors still in flight, drops older ones. */
export function rotateCursorKeys(file: string): CursorKeyRing {
  const current = loadOrCreateCursorKeys(file);
  const ring: CursorKeyRing = [newKey(), current[0]];
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, serialise(ring), { mode: 0o600 });
  renameSync(temp, file);
  return ring;
}

function newKey(): CursorKey {
  return { kid: `k${randomBytes(6).toString('hex')}`, key: randomBytes(KEY_BYTES) };
}

function serialise(ring: readonly CursorKey[]): string {
  return `${JSON.stringify({ keys: ring.map((k) => ({ kid: k.kid, k: k.key.toString('base64url') })) }, null, 2)}\n`;
}
