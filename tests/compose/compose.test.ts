/**
 * The production shape (docker-compose.yml) is valid and complete: `docker compose
 * config` accepts it (no engine needed) and it holds every service and volume the
 * operations guide names; and the gateway configuration it mounts passes the gateway's
 * own validation with the environment the compose file sets; and the users' key the
 * compose `keys` service publishes is a demo identity provider's, not the dev key, so
 * the production gateways' start-time key checks accept it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, readJwksFile } from '../../common/security/key-files.ts';
import { setUpAuthentication } from '../../gateway/auth/authentication-plugin.ts';
import { demoIdpKeyFiles } from '../../gateway/auth/demo-idp.ts';
import { devKeyFiles, mintDevToken } from '../../gateway/auth/dev-key.ts';
import type { GatewayContext } from '../../gateway/context.ts';
import { loadConfig } from '../../gateway/config/load.ts';
import { loadPolicy } from '../../schema/policy.ts';
import { loadRegions } from '../../gateway/registry/registry.ts';
import { ROOT } from '../../scripts/lib/children.ts';

const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const SERVICES = [
  'gateway-1',
  'gateway-2',
  'gz-legacy',
  'keys',
  'load-balancer',
  'redis',
  'seed',
  'subgraph-gz',
  'subgraph-hb',
  'subgraph-js',
];
const VOLUMES = ['gz-data', 'hb-data', 'js-data', 'keys', 'redis-data', 'region-logs', 'seed-data'];

/** `docker compose` (the plugin), else the standalone `docker-compose`; null when neither runs. */
function composeCommand(): string[] | null {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const probe = spawnSync(command[0], [...command.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return command;
  }
  return null;
}

const compose = composeCommand();
if (!compose) console.warn('tests/compose: skipped `compose config` — neither `docker compose` (plugin) nor `docker-compose` is installed');

function config(...args: string[]): string {
  const run = spawnSync(compose![0], [...compose!.slice(1), '-f', COMPOSE_FILE, 'config', ...args], { cwd: ROOT, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

describe.skipIf(!compose)('docker-compose.yml', () => {
  it('is accepted by `compose config` and holds every service and volume', () => {
    expect(config('--services').trim().split('\n').sort()).toEqual(SERVICES);
    expect(config('--volumes').trim().split('\n').sort()).toEqual(VOLUMES);
  });

  it("keeps every region's logs (disclosure log, saved filter) on a volume, not in the container", () => {
    const text = config();
    for (const name of ['subgraph-js', 'subgraph-gz', 'subgraph-hb']) {
      // The service's block of the resolved file: from its name to the next key at its indentation.
      const block = new RegExp(`\\n  ${name}:\\n((?:    .*\\n|\\s*\\n)*)`).exec(text)?.[1] ?? '';
      expect(block, name).toContain('SUBGRAPH_LOGS: /var/lib/liandong/region-logs');
      // Short syntax (docker-compose 1.x) or long syntax (compose v2).
      expect(block, name).toMatch(
        /region-logs:\/var\/lib\/liandong\/region-logs|source: region-logs\s+target: \/var\/lib\/liandong\/region-logs/,
      );
    }
  });

  it('configures the gateways by environment, behind the load balancer, with healthchecks', () => {
    const text = config();
    for (const variable of ['REDIS_URL', 'PORT', 'LIANDONG_CONFIG', 'LIANDONG_REGIONS', 'LIANDONG_KEYS_DIR', 'AUDIT_INSTANCE'])
      expect(text).toContain(variable);
    expect(text).toContain('AUDIT_INSTANCE: gateway-1');
    expect(text).toContain('AUDIT_INSTANCE: gateway-2');
    expect(text).toMatch(/image: nginx/);
    expect(text).toMatch(/image: redis/);
    expect(text.match(/healthcheck:/g)?.length).toBeGreaterThanOrEqual(7);
  });
});

/** The environment docker-compose.yml gives gateway-1, with the mounted config at `configDir`. */
function composeEnvironment(configDir: string, keysDir: string): Record<string, string> {
  return {
    PORT: '4000',
    REDIS_URL: 'redis://redis:6379',
    AUDIT_REDIS_URL: 'redis://redis:6379',
    AUDIT_INSTANCE: 'gateway-1',
    LIANDONG_REGIONS: join(configDir, 'regions.json'),
    LIANDONG_KEYS_DIR: keysDir,
  };
}

describe('the configuration the compose stack mounts', () => {
  it("passes the gateway's validation with the compose environment", () => {
    const dir = join(ROOT, 'docker/config');
    const config = loadConfig(join(dir, 'gateway.json'), composeEnvironment(dir, '/run/liandong/keys'));
    expect(config.mode).toBe('production');
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.audit.sink).toBe('redis');
    expect(loadRegions(config.regions).map((r) => [r.code, r.url])).toEqual([
      ['JS', 'http://subgraph-js:4101'],
      ['GZ', 'http://subgraph-gz:4102'],
      ['HB', 'http://subgraph-hb:4103'],
    ]);
  });
});

describe("the users' key the compose stack's `keys` service publishes", () => {
  const MOUNT = '/run/liandong/keys';
  const keysDir = mkdtempSync(join(tmpdir(), 'liandong-compose-keys-'));
  afterAll(() => rmSync(keysDir, { recursive: true, force: true }));

  /** The `keys` service's command as docker-compose.yml writes it, the keys volume mounted at `keysDir`. */
  function keysCommand(): string[] {
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    const line = /command: (\[[^\]]*"docker\/init-keys\.ts"[^\]]*\])/.exec(text);
    if (!line) throw new Error('docker-compose.yml: no service runs docker/init-keys.ts');
    return (JSON.parse(line[1]) as string[]).map((arg) => arg.replace(MOUNT, keysDir));
  }

  /** The gateway's start-time checks of its users' keys over the compose configuration, its key paths at `keysDir`. */
  async function gatewayStartChecks(): Promise<Awaited<ReturnType<typeof setUpAuthentication>>> {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-compose-config-'));
    const mounted = join(ROOT, 'docker/config');
    writeFileSync(join(dir, 'gateway.json'), readFileSync(join(mounted, 'gateway.json'), 'utf8').replaceAll(MOUNT, keysDir));
    const config = loadConfig(join(dir, 'gateway.json'), composeEnvironment(mounted, keysDir));
    expect(config.mode).toBe('production');
    const { mode, allowAnonymous, auth } = config;
    return setUpAuthentication({ mode, allowAnonymous, auth, policy: loadPolicy(auth.policyFile) });
  }

  it('is a demo identity provider key of its own, not the dev key, and a production gateway starts with it', async () => {
    // The directory also holds a dev key (as a developer's may): the check must still pass.
    const dev = await loadOrCreateSigningKey(devKeyFiles(keysDir).privateFile, devKeyFiles(keysDir).jwksFile);
    const [command, ...args] = keysCommand();
    expect(command).toBe('node');
    const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);

    const users = readJwksFile(join(keysDir, 'users.jwks.json')).keys;
    expect(users.length).toBeGreaterThan(0);
    expect(users.some((key) => key.x === dev.publicJwk.x)).toBe(false);
    expect(users.map((key) => key.x)).toEqual(readJwksFile(demoIdpKeyFiles(keysDir).jwksFile).keys.map((key) => key.x));

    const authentication = await gatewayStartChecks();
    // And a token the demo identity provider signs is an officer to that gateway.
    const token = await mintDevToken(keysDir, { sub: 'JS-0420017', region: 'JS', roles: ['patrol-officer'] }, demoIdpKeyFiles(keysDir));
    const context = {} as GatewayContext;
    await authentication.contextHook(context, { headers: { authorization: `Bearer ${token}` } } as never);
    expect(context.caller?.sub).toBe('JS-0420017');
  });

  it('would stop a production gateway were it the dev key (what publishing the dev key as users.jwks.json did)', async () => {
    copyFileSync(devKeyFiles(keysDir).jwksFile, join(keysDir, 'users.jwks.json'));
    await expect(gatewayStartChecks()).rejects.toThrow(/trusts the dev key/);
  });
});
