/**
 * `npm run token -- --sub ID --region CODE --roles r1,r2 [--scopes s1,s2] [--ttl 1h] [--name N]`
 *
 * Prints a dev JWT signed with the dev key (created in `.data/keys/` if absent), which
 * the gateway trusts in development mode only. The token alone goes to stdout, so
 * `TOKEN=$(npm run -s token -- …)` works; mistakes go to stderr with exit code 2.
 * `--demo-idp` signs with the compose stack's demo identity-provider key instead
 * (gateway/auth/demo-idp.ts; made by `docker/init-keys.ts --demo-idp`), which the
 * stack's production gateways trust.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { demoIdpKeyFiles } from '../gateway/auth/demo-idp.ts';
import { parseArgs } from 'node:util';
import { loadPolicy } from '../schema/policy.ts';
import { mintDevToken, parseTtl } from '../gateway/auth/dev-key.ts';

const USAGE =
  'usage: npm run token -- --sub ID --region CODE --roles r1,r2 [--scopes s1,s2] [--ttl 1h] [--name NAME] [--keys-dir DIR] [--demo-idp]';

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function checkNames(names: string[], known: Record<string, unknown>, what: string): void {
  const unknown = names.filter((n) => !(n in known));
  if (unknown.length > 0) fail(`unknown ${what} ${unknown.join(', ')} (the policy file defines: ${Object.keys(known).join(', ')})`);
}

async function main(): Promise<void> {
  const options = {
    sub: { type: 'string' },
    region: { type: 'string' },
    roles: { type: 'string' },
    scopes: { type: 'string' },
    ttl: { type: 'string' },
    name: { type: 'string' },
    'keys-dir': { type: 'string' },
    'demo-idp': { type: 'boolean' },
  } as const;
  let values: ReturnType<typeof parseArgs<{ options: typeof options; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ options, strict: true }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (!values.sub) fail('--sub is required (the officer id)');
  if (!values.region || !/^[A-Z][A-Z0-9]{1,7}$/.test(values.region))
    fail(`--region must be a region code such as JS, got ${JSON.stringify(values.region ?? null)}`);
  const policy = loadPolicy();
  const roles = list(values.roles);
  const scopes = list(values.scopes);
  if (roles.length === 0 && scopes.length === 0) fail('give --roles (and/or --scopes): a token without either can read nothing');
  checkNames(roles, policy.roles, 'role');
  checkNames(scopes, policy.scopes, 'scope');
  let ttlSeconds: number;
  try {
    ttlSeconds = parseTtl(values.ttl ?? '1h');
  } catch (error) {
    fail((error as Error).message);
  }
  const keysDir = resolve(values['keys-dir'] ?? process.env.LIANDONG_KEYS_DIR ?? '.data/keys');
  // The demo identity provider's key is made by init-keys, never here: a key made by
  // mistake in the wrong directory would sign tokens no gateway trusts.
  const demoIdp = values['demo-idp'] ? demoIdpKeyFiles(keysDir) : undefined;
  if (demoIdp && !existsSync(demoIdp.privateFile))
    fail(`--demo-idp: ${demoIdp.privateFile} does not exist; run docker/init-keys.ts --demo-idp --dir ${keysDir} first`);
  const request = { sub: values.sub, region: values.region, roles, scopes, name: values.name, ttlSeconds };
  const token = await mintDevToken(keysDir, request, demoIdp);
  process.stdout.write(`${token}\n`);
}

await main();
