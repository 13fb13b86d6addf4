import { describe, expect, it } from 'vitest';
import { ConfigPath } from '../config/check.ts';
import { cacheSection, DEFAULT_TTL_SECONDS } from './config.ts';

const at = new ConfigPath('config/gateway.json').key('cache');
const validate = (raw: unknown, env: Record<string, string> = {}) =>
  cacheSection.validate(raw, at, { mode: 'development', env, dir: '/tmp' });

describe('the cache section', () => {
  it('defaults to an enabled memory store with per-type TTLs', () => {
    const config = validate(undefined);
    expect(config).toMatchObject({ enabled: true, store: 'memory', changes: 'sse', redisUrl: null });
    expect(config.ttlSeconds).toEqual(DEFAULT_TTL_SECONDS);
  });

  it('uses Redis when REDIS_URL is set, unless the file says otherwise', () => {
    expect(validate(undefined, { REDIS_URL: 'redis://127.0.0.1:6379' })).toMatchObject({
      store: 'redis',
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(validate({ store: 'memory' }, { REDIS_URL: 'redis://127.0.0.1:6379' }).store).toBe('memory');
  });

  it('overrides single TTLs and keeps the other defaults', () => {
    const { ttlSeconds } = validate({ ttlSeconds: { Person: 5 } });
    expect(ttlSeconds.Person).toBe(5);
    expect(ttlSeconds.WantedNotice).toBe(DEFAULT_TTL_SECONDS.WantedNotice);
  });

  it('names the bad setting', () => {
    expect(() => validate({ enabled: 'yes' })).toThrow('config/gateway.json: cache.enabled: expected true or false, got "yes"');
    expect(() => validate({ ttlSeconds: { Persn: 5 } })).toThrow(/cache\.ttlSeconds\.Persn: unknown setting/);
    expect(() => validate({ ttlSeconds: { Case: 0 } })).toThrow(/cache\.ttlSeconds\.Case: expected an integer from 1/);
    expect(() => validate({ store: 'redis' })).toThrow(/cache\.store: "redis" needs a Redis URL/);
    expect(() => validate({ redisUrl: 'http://x' })).toThrow(/cache\.redisUrl: expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => validate(undefined, { REDIS_URL: 'localhost' })).toThrow(/environment variable REDIS_URL/);
  });
});
