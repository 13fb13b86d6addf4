/**
 * `npm run token -- --sub ID --region CODE --roles r1,r2 [--scopes s1,s2] [--ttl 1h] [--name N]`
 *
 * Prints a dev JWT signed with the dev key (created in `.data/keys/` if absent), which
 * the gateway trusts in development mode only. The token alone goes to stdout, so
 * `TOKEN=$(npm run -s token -- …)` works; mistakes go to stderr with exit code 2.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPolicy } from '../schema/policy.ts';
import { mintDevToken, parseTtl } from '../gateway/auth/dev-key.ts';

const USAGE = 'usage: npm run token -- --sub ID --region CODE --roles r1,r2 [--scopes s1,s2] [--ttl 1h] [--name NAME] [--keys-dir DIR]';

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
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        sub: { type: 'string' },
        region: { type: 'string' },
        roles: { type: 'string' },
        scopes: { type: 'string' },
        ttl: { type: 'string' },
        name: { type: 'string' },
        'keys-dir': { type: 'string' },
      },
      strict: true,
    }) as { values: Record<string, string | undefined> });
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
  const token = await mintDevToken(keysDir, { sub: values.sub, region: values.region, roles, scopes, name: values.name, ttlSeconds });
  process.stdout.write(`${token}\n`);
}

await main();
