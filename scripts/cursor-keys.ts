/**
 * `node --import tsx scripts/cursor-keys.ts rotate [--keys-dir DIR]`
 *
 * Rotates the gateway's search-cursor key (gateway/cursors/keys.ts): writes a new key
 * first in `search-cursor.keys.json`, keeps the one it replaces so cursors already handed
 * out still open until they expire, and drops any older key. Restart the gateway replicas
 * (one at a time) to seal with the new key. Rotate at most once per `cursors.ttlSeconds`,
 * or cursors sealed with the dropped key are refused early. Prints the key ids only.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cursorKeysPath, rotateCursorKeys } from '../gateway/cursors/keys.ts';

const USAGE = 'usage: node --import tsx scripts/cursor-keys.ts rotate [--keys-dir DIR]';

let parsed: ReturnType<typeof parseArgs<{ options: { 'keys-dir': { type: 'string' } }; allowPositionals: true }>>;
try {
  parsed = parseArgs({ options: { 'keys-dir': { type: 'string' } }, allowPositionals: true, strict: true });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'rotate') {
  process.stderr.write(`expected the command "rotate", got ${JSON.stringify(parsed.positionals.join(' '))}\n${USAGE}\n`);
  process.exit(2);
}
const file = cursorKeysPath(resolve(parsed.values['keys-dir'] ?? process.env.LIANDONG_KEYS_DIR ?? '.data/keys'));
const ring = rotateCursorKeys(file);
process.stdout.write(
  `${file}: sealing with ${ring[0].kid}; still opening ${ring
    .slice(1)
    .map((k) => k.kid)
    .join(', ')}\n`,
);
