import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSigningKey, readJwksFile, readSigningKey } from './key-files.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const files = () => {
  dir = mkdtempSync(join(tmpdir(), 'keys-'));
  return [join(dir, 'k', 'a.private.jwk.json'), join(dir, 'k', 'a.jwks.json')] as const;
};

describe('signing key files', () => {
  it('create an Ed25519 key once (private 0600), publish only its public half, and keep it across loads', async () => {
    const [privateFile, jwksFile] = files();
    const first = await loadOrCreateSigningKey(privateFile, jwksFile);
    const again = await loadOrCreateSigningKey(privateFile, jwksFile);
    expect(again.kid).toBe(first.kid);
    expect(statSync(privateFile).mode & 0o777).toBe(0o600);
    const published = readJwksFile(jwksFile).keys;
    expect(published).toEqual([first.publicJwk]);
    expect(JSON.stringify(published)).not.toContain('"d"');
  });

  it('give concurrent first starts the same key', async () => {
    const [privateFile, jwksFile] = files();
    const keys = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateSigningKey(privateFile, jwksFile)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
  });

  it('refuse a JWKS carrying a private key, and a private file of another key type', async () => {
    const [privateFile, jwksFile] = files();
    await loadOrCreateSigningKey(privateFile, jwksFile);
    writeFileSync(jwksFile, JSON.stringify({ keys: [JSON.parse(readFileSync(privateFile, 'utf8'))] }));
    expect(() => readJwksFile(jwksFile)).toThrow(/contains a private key/);
    writeFileSync(privateFile, JSON.stringify({ kty: 'RSA', n: 'x', e: 'AQAB', d: 'y' }));
    await expect(readSigningKey(privateFile)).rejects.toThrow(/not an Ed25519 private JWK/);
  });
});
