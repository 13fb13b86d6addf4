/**
 * The gateway's Ed25519 audit signing key.
 *
 * Checkpoints are signed with it so that a verifier holding only the public key can
 * tell a genuine checkpoint from one written by whoever rewrote the log. Generated on
 * first use (private key mode 0600); the public key is what auditors and regional
 * witnesses are given.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_KEY_DIR = '.data/keys';
const PRIVATE_FILE = 'audit-ed25519.pem';
const PUBLIC_FILE = 'audit-ed25519.pub.pem';

export interface AuditKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

export function publicKeyPath(dir: string = DEFAULT_KEY_DIR): string {
  return join(dir, PUBLIC_FILE);
}

/** A short, stable name for a public key: the first 16 hex digits of SHA-256 over its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function loadOrCreateAuditKeys(dir: string = DEFAULT_KEY_DIR): AuditKeys {
  const privatePath = join(dir, PRIVATE_FILE);
  if (!existsSync(privatePath)) generateInto(dir);
  const privateKey = createPrivateKey(readFileSync(privatePath));
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`audit key ${privatePath} is a ${privateKey.asymmetricKeyType} key; expected ed25519`);
  }
  const publicKey = createPublicKey(privateKey);
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const publicPath = join(dir, PUBLIC_FILE);
  // Two first starts racing may leave one's public file beside the other's private key: the private key decides.
  if (!existsSync(publicPath) || readFileSync(publicPath, 'utf8') !== pem) publish(dir, PUBLIC_FILE, pem, 0o644);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

export function loadPublicKey(path: string): KeyObject {
  if (!existsSync(path)) throw new Error(`audit public key ${path} does not exist; pass --key PATH to the gateway's audit-ed25519.pub.pem`);
  const key = createPublicKey(readFileSync(path));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`audit public key ${path} is a ${key.asymmetricKeyType} key; expected ed25519`);
  return key;
}

function generateInto(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  publish(dir, PUBLIC_FILE, publicKey.export({ type: 'spki', format: 'pem' }), 0o644);
  publish(dir, PRIVATE_FILE, privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600);
}

/** Written aside and renamed into place, so no reader ever sees half a key. */
function publish(dir: string, name: string, pem: string | Buffer, mode: number): void {
  const temp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(temp, pem, { mode });
  renameSync(temp, join(dir, name));
}
