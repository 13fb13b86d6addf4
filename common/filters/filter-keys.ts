/**
 * Where a region's filter-signing key lives. Each region signs its own filter with its
 * own Ed25519 key (not the gateway's): the gateway must be able to tell that a filter
 * came from the region, and a key the gateway holds would let the gateway forge one.
 *
 * The region keeps `filter-<REGION>.private.jwk.json` (created on first start) and
 * publishes `filter-<REGION>.jwks.json`; the gateway is given that public file (under
 * `npm start` both sit in `.data/keys/`; in production it is copied to the gateway, as
 * the gateway's internal-token JWKS is copied to each region). Rotation: publish a JWKS
 * holding old and new keys, then switch the region to the new private key.
 */
import { join } from 'node:path';
import { loadOrCreateSigningKey, type SigningKey } from '../security/key-files.ts';

export function filterKeyFiles(keysDir: string, region: string): { privateFile: string; jwksFile: string } {
  return {
    privateFile: join(keysDir, `filter-${region}.private.jwk.json`),
    jwksFile: join(keysDir, `filter-${region}.jwks.json`),
  };
}

/** The region's filter-signing key, created on first start. */
export function loadFilterSigningKey(keysDir: string, region: string): Promise<SigningKey> {
  const { privateFile, jwksFile } = filterKeyFiles(keysDir, region);
  return loadOrCreateSigningKey(privateFile, jwksFile);
}
