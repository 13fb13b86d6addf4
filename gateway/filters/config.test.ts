import { describe, expect, it } from 'vitest';
import { ConfigPath } from '../config/check.ts';
import { filtersSection } from './config.ts';

const at = new ConfigPath('config/gateway.json').key('filters');
const validate = (raw: unknown, env: Record<string, string> = {}) =>
  filtersSection.validate(raw, at, { mode: 'development', env, dir: '/etc/liandong' });

describe('the filters section', () => {
  it('defaults to filters on, keys beside the other keys, a 6 s staleness bound and a refresh a minute', () => {
    expect(validate(undefined)).toEqual({
      enabled: true,
      keysDir: null,
      staleAfterMs: 6000,
      refreshMs: 60_000,
    });
    expect(validate({ enabled: false, keysDir: 'keys' }).keysDir).toBe('/etc/liandong/keys');
  });

  it('refuses a wrong setting by name', () => {
    expect(() => validate({ staleAfterMs: 10 })).toThrow(/filters\.staleAfterMs/);
    expect(() => validate({ enabled: 'yes' })).toThrow(/filters\.enabled/);
    expect(() => validate({ refreshMs: 1.5 })).toThrow(/filters\.refreshMs/);
    expect(() => validate({ staleAfter: 1000 })).toThrow(/staleAfter/);
  });
});
