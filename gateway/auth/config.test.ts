import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ConfigPath } from '../config/check.ts';
import type { Mode } from '../config/section.ts';
import { authSection } from './config.ts';

const at = new ConfigPath('config/gateway.json').key('auth');
const validate = (raw: unknown, mode: Mode = 'development') => authSection.validate(raw, at, { mode, env: {}, dir: '/etc/liandong' });

describe('auth settings', () => {
  it('default to the dev key in development', () => {
    const auth = validate(undefined);
    expect(auth.keys.kind).toBe('dev');
    expect(auth).toMatchObject({ issuer: 'liandong-dev', audience: 'liandong', algorithms: ['EdDSA'], clockToleranceSeconds: 30 });
  });

  it('in production need an issuer, an audience and a key set, and refuse the dev key', () => {
    expect(() => validate({}, 'production')).toThrow(/config\/gateway.json: auth.issuer: expected a non-empty string/);
    const base = { issuer: 'https://idp.police', audience: 'liandong' };
    expect(() => validate(base, 'production')).toThrow(/auth.jwksFile: expected a JWKS file/);
    expect(() => validate({ ...base, devKey: true }, 'production')).toThrow(
      /auth.devKey: the dev key cannot be trusted when mode is "production"/,
    );
    const keysDir = '/srv/keys';
    expect(() => validate({ ...base, keysDir, jwksFile: join(keysDir, 'dev-jwt.jwks.json') }, 'production')).toThrow(/is the dev key set/);
    expect(validate({ ...base, jwksUrl: 'https://idp.police/jwks' }, 'production').keys).toEqual({
      kind: 'url',
      url: 'https://idp.police/jwks',
    });
  });

  it('accept only asymmetric algorithms', () => {
    expect(() => validate({ algorithms: ['HS256'] })).toThrow(/auth.algorithms\[0\]: expected one of "EdDSA", "ES256"/);
    expect(() => validate({ algorithms: ['none'] })).toThrow(/auth.algorithms\[0\]/);
    expect(validate({ algorithms: ['RS256', 'EdDSA'] }).algorithms).toEqual(['RS256', 'EdDSA']);
  });

  it('refuse misspelt settings and out-of-range values', () => {
    expect(() => validate({ clockTolerance: 5 })).toThrow(/auth.clockTolerance: unknown setting/);
    expect(() => validate({ internalTokenTtlSeconds: 3600 })).toThrow(/auth.internalTokenTtlSeconds: expected an integer from 1 to 120/);
  });
});
