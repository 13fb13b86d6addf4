/**
 * The compose stack's demo identity provider: a signing key of its own, so the stand-in
 * stack runs its gateways in production mode as written. The dev key cannot serve: a
 * production gateway refuses a users' key set holding it (authentication-plugin.ts),
 * since the dev key's private half sits in developers' working trees.
 *
 * `docker/init-keys.ts --demo-idp` creates the pair in the keys directory and publishes
 * its public half as the users' JWKS; `npm run token -- --demo-idp` signs with it. A real
 * deployment mounts its identity provider's JWKS instead and has no such key.
 */
import { join } from 'node:path';

export function demoIdpKeyFiles(keysDir: string): { privateFile: string; jwksFile: string } {
  return { privateFile: join(keysDir, 'demo-idp.private.jwk.json'), jwksFile: join(keysDir, 'demo-idp.jwks.json') };
}
