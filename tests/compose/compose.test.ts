/**
 * The production shape (docker-compose.yml) is valid and complete: `docker compose
 * config` accepts it (no engine needed) and it holds every service and volume the
 * operations guide names; and the gateway configuration it mounts passes the gateway's
 * own validation with the environment the compose file sets.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config/load.ts';
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
const VOLUMES = ['gz-data', 'hb-data', 'js-data', 'keys', 'redis-data', 'seed-data'];

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

describe('the configuration the compose stack mounts', () => {
  it("passes the gateway's validation with the compose environment", () => {
    const dir = join(ROOT, 'docker/config');
    const config = loadConfig(join(dir, 'gateway.json'), {
      PORT: '4000',
      REDIS_URL: 'redis://redis:6379',
      AUDIT_REDIS_URL: 'redis://redis:6379',
      AUDIT_INSTANCE: 'gateway-1',
      LIANDONG_REGIONS: join(dir, 'regions.json'),
      LIANDONG_KEYS_DIR: '/run/liandong/keys',
    });
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
