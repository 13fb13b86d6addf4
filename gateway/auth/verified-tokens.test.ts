import { describe, expect, it } from 'vitest';
import type { Caller } from '../context.ts';
import { VerifiedTokens } from './verified-tokens.ts';

const caller: Caller = {
  sub: 'JS-1',
  name: 'officer',
  region: 'JS',
  roles: ['patrol-officer'],
  scopes: new Set(['person:read']),
  anonymous: false,
};

describe('verified tokens', () => {
  it('hand back a verified caller until the token expires (plus the clock tolerance)', () => {
    let now = 1_000_000;
    const tokens = new VerifiedTokens({ max: 10, maxAgeMs: 60_000, clockToleranceSeconds: 5, now: () => now });
    tokens.remember('t', caller, 1_010); // exp 1,010 s = 1,010,000 ms
    expect(tokens.get('t')?.sub).toBe('JS-1');
    now = 1_014_999;
    expect(tokens.get('t')).not.toBeNull();
    now = 1_015_000;
    expect(tokens.get('t')).toBeNull();
    expect(tokens.get('other')).toBeNull();
  });

  it('forget a token after the maximum age, however long it still has to live', () => {
    let now = 1_000;
    const tokens = new VerifiedTokens({ max: 10, maxAgeMs: 60_000, clockToleranceSeconds: 0, now: () => now });
    tokens.remember('t', caller, 3600);
    now = 60_000;
    expect(tokens.get('t')).not.toBeNull();
    now = 61_001;
    expect(tokens.get('t')).toBeNull();
  });

  it('share a frozen caller, so no request can change what the next one sees', () => {
    const tokens = new VerifiedTokens({ max: 10, maxAgeMs: 60_000, clockToleranceSeconds: 0 });
    const shared = tokens.remember('t', caller, Math.floor(Date.now() / 1000) + 60);
    expect(Object.isFrozen(shared)).toBe(true);
    expect(() => (shared.roles as string[]).push('admin')).toThrow();
    expect(tokens.get('t')).toBe(shared);
  });
});
