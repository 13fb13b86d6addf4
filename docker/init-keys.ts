/**
 * One-shot key set-up for the compose stack (service `keys`), run before the gateways:
 *   node --import tsx docker/init-keys.ts --dir /run/liandong/keys [--demo-idp]
 *
 * Creates, when absent, the gateway's internal-token key pair
 * (internal-gateway.private.jwk.json / internal-gateway.jwks.json) and the audit
 * checkpoint key (audit-ed25519.pem / audit-ed25519.pub.pem) and the search-cursor key
 * (search-cursor.keys.json) and each region's membership-filter key (filter-<REGION>.*) with the same code the gateway uses, so two replicas starting at once never race to create them. Existing
 * keys are never touched (rotation is a deliberate act: docs/operations.md).
 *
 * `--demo-idp` also creates the demo identity provider's key (gateway/auth/demo-idp.ts:
 * its own pair, never the dev key, which a production gateway refuses) and publishes its
 * public half as users.jwks.json, so tokens from `npm run token -- --demo-idp --keys-dir
 * DIR` are accepted: for the stand-in stack only; a real deployment mounts its identity
 * provider's JWKS there instead.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { loadFilterSigningKey } from '../common/filters/filter-keys.ts';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadOrCreateAuditKeys } from '../common/log/keys.ts';
import { cursorKeysPath, loadOrCreateCursorKeys } from '../gateway/cursors/keys.ts';
import { demoIdpKeyFiles } from '../gateway/auth/demo-idp.ts';
import { loadOrCreateSigningKey } from '../common/security/key-files.ts';
import { loadInternalSigningKey } from '../common/security/internal-keys.ts';

const { values } = parseArgs({
  options: { dir: { type: 'string' }, 'demo-idp': { type: 'boolean', default: false }, regions: { type: 'string' } },
});
if (!values.dir) {
  process.stderr.write('init-keys: missing --dir (the keys directory, e.g. /run/liandong/keys)\n');
  process.exit(2);
}
const dir = resolve(values.dir);
await loadInternalSigningKey(dir);
loadOrCreateAuditKeys(dir);
loadOrCreateCursorKeys(cursorKeysPath(dir));
// Each region's membership-filter key (the subgraphs mount the keys read-only): the regions
// of the compose registry, or those `--regions JS,GZ` names.
const registry = JSON.parse(readFileSync(new URL('./config/regions.json', import.meta.url), 'utf8')) as { regions: { code: string }[] };
for (const region of values.regions?.split(',') ?? registry.regions.map((r) => r.code)) await loadFilterSigningKey(dir, region);
const users = join(dir, 'users.jwks.json');
if (values['demo-idp'] && !existsSync(users)) {
  const idp = demoIdpKeyFiles(dir);
  await loadOrCreateSigningKey(idp.privateFile, idp.jwksFile);
  copyFileSync(idp.jwksFile, users);
}
if (!existsSync(users)) {
  process.stderr.write(
    `init-keys: ${users} is missing: mount the identity provider's JWKS there (or pass --demo-idp for the stand-in stack)\n`,
  );
  process.exit(1);
}
process.stdout.write(`keys ready in ${dir}\n`);
