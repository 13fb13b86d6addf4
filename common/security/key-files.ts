/**
 * Ed25519 signing keys kept on disk as JWKs, for the dev JWT key and the gateway's
 * internal-token key.
 *
 * The private key is a JWK file (mode 0600) that only its owner reads; the public half
 * is published as a JWKS file (`{ "keys": [...] }`) that verifiers are pointed at.
 * Keys are created on first use and never overwritten: the private file is written
 * exclusively (`wx`), so two processes starting at once end up with the same key, and
 * the public file is always derived from the private one, never trusted on its own.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

export const SIGNING_ALGORITHM = 'EdDSA';

export interface SigningKey {
  /** Node key object: signs synchronously (see internal-token.ts for why that matters). */
  privateKey: KeyObject;
  /** RFC 7638 thumbprint of the public key: stable across restarts, carried as `kid`. */
  kid: string;
  publicJwk: JWK;
}

/** Reads the private JWK at `privateFile`, creating it first if absent, and publishes its JWKS. */
export async function loadOrCreateSigningKey(privateFile: string, jwksFile: string): Promise<SigningKey> {
  if (!existsSync(privateFile)) createPrivateJwk(privateFile);
  const key = await readSigningKey(privateFile);
  writeAtomically(jwksFile, `${JSON.stringify({ keys: [key.publicJwk] }, null, 2)}\n`, 0o644);
  return key;
}

export async function readSigningKey(privateFile: string): Promise<SigningKey> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(readFileSync(privateFile, 'utf8')) as JWK;
  } catch (error) {
    throw new Error(`cannot read signing key ${privateFile}: ${(error as Error).message}`);
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') {
    throw new Error(
      `signing key ${privateFile} is not an Ed25519 private JWK (kty ${jwk.kty}, crv ${jwk.crv}); delete it to generate a new one`,
    );
  }
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, alg: SIGNING_ALGORITHM, use: 'sig' };
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateKey: createPrivateKey({ key: jwk as never, format: 'jwk' }), kid, publicJwk: { ...publicJwk, kid } };
}

function createPrivateJwk(file: string): void {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it between our check and our write: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Readers never see a half-written JWKS. */
function writeAtomically(file: string, text: string, mode: number): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  renameSync(temp, file);
}

/** Reads a JWKS file of public keys (what verifiers are configured with). */
export function readJwksFile(file: string): { keys: JWK[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read JWKS file ${file}: ${(error as Error).message}`);
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`JWKS file ${file} has no "keys" array with at least one key`);
  if (keys.some((k: JWK) => typeof k.d === 'string')) throw new Error(`JWKS file ${file} contains a private key; publish public keys only`);
  return { keys };
}
