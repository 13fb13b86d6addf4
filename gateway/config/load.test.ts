import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigPath } from './check.ts';
import { loadConfig, validateConfig } from './load.ts';

const dir = mkdtempSync(join(tmpdir(), 'liandong-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(raw: unknown, env: Record<string, string> = {}) {
  return validateConfig(raw, new ConfigPath('config/gateway.json'), { env, dir }, join(dir, 'gateway.json'));
}

describe('loadConfig', () => {
  it('fills defaults for an empty file', () => {
    const config = validate({});
    expect(config.mode).toBe('development');
    expect(config.allowAnonymous).toBe(false);
    expect(config.server).toEqual({ host: '127.0.0.1', port: 4000, bodyLimitBytes: 1_048_576, trustProxy: false, shutdownGraceMs: 5000 });
    expect(config.regions).toBe(join(dir, 'regions.json'));
  });

  it('reads the shipped config/gateway.json', () => {
    const config = loadConfig('config/gateway.json', {});
    expect(config.server.port).toBe(4000);
    expect(config.regions).toBe(resolve('config/regions.json'));
  });

  it('applies PORT and LIANDONG_REGIONS over the file', () => {
    const config = validate({ server: { port: 4000 } }, { PORT: '4321', LIANDONG_REGIONS: '/etc/liandong/regions.json' });
    expect(config.server.port).toBe(4321);
    expect(config.regions).toBe('/etc/liandong/regions.json');
  });

  it('reads the file LIANDONG_CONFIG names', () => {
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify({ server: { port: 4999 } }));
    expect(loadConfig(undefined, { LIANDONG_CONFIG: file }).server.port).toBe(4999);
  });

  it.each([
    [{ mode: 'staging' }, 'config/gateway.json: mode: expected one of "development", "production", got "staging"'],
    [{ server: { port: 70000 } }, 'config/gateway.json: server.port: expected an integer from 0 to 65535, got 70000'],
    [
      { server: { prot: 4000 } },
      'config/gateway.json: server.prot: unknown setting (expected one of: host, port, bodyLimitBytes, trustProxy, shutdownGraceMs)',
    ],
    [
      { server: { bodyLimitBytes: '1mb' } },
      'config/gateway.json: server.bodyLimitBytes: expected an integer from 1024 to 67108864, got "1mb"',
    ],
    [{ allowAnonymous: 'yes' }, 'config/gateway.json: allowAnonymous: expected true or false, got "yes"'],
    [
      { mode: 'production', allowAnonymous: true },
      'config/gateway.json: allowAnonymous: anonymous access cannot be enabled when mode is "production"',
    ],
    [{ servr: {} }, 'config/gateway.json: servr: unknown section (expected one of:'],
    [[], 'config/gateway.json: expected an object, got an array'],
  ])('refuses %j naming the setting', (raw, message) => {
    expect(() => validate(raw)).toThrow(message);
  });

  it('names the environment variable when PORT is bad', () => {
    expect(() => validate({}, { PORT: 'eighty' })).toThrow(
      'environment variable PORT (overrides config/gateway.json: server.port): expected an integer from 0 to 65535, got "eighty"',
    );
  });

  it('names the file when it is missing or not JSON', () => {
    expect(() => loadConfig(join(dir, 'absent.json'), {})).toThrow(/absent\.json: cannot read the file/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "mode": ');
    expect(() => loadConfig(broken, {})).toThrow(/broken\.json: not valid JSON/);
  });
});
