/**
 * Where the gateway's internal-token key pair lives: the private JWK stays with the
 * gateway (`.data/keys/`), the public JWKS file is what each subgraph is pointed at
 * (its `gatewayKeys` setting). Rotating the key = publish a JWKS holding old and new,
 * then switch the gateway to the new private key.
 */
import { join } from 'node:path';
import { loadOrCreateSigningKey, type SigningKey } from './key-files.ts';

export function internalKeyFiles(keysDir: string): { privateFile: string; jwksFile: string } {
  return { privateFile: join(keysDir, 'internal-gateway.private.jwk.json'), jwksFile: join(keysDir, 'internal-gateway.jwks.json') };
}

/** The gateway's signing key, created on first start. */
export function loadInternalSigningKey(keysDir: string): Promise<SigningKey> {
  const { privateFile, jwksFile } = internalKeyFiles(keysDir);
  return loadOrCreateSigningKey(privateFile, jwksFile);
}
