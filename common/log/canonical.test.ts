import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalWithDerived, sha256Hex } from './canonical.ts';

describe('canonical JSON', () => {
  it('sorts keys by code unit, drops undefined members, refuses what JSON cannot hold', () => {
    expect(canonicalJson({ b: 1, a: [true, null, undefined], c: undefined, é: 'x', Z: { y: 2, x: 1 } })).toBe(
      '{"Z":{"x":1,"y":2},"a":[true,null,null],"b":1,"é":"x"}',
    );
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/\$\.n is NaN/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/\$\.f is a function/);
  });

  it('adds a derived member exactly where canonicalJson would put it', () => {
    for (const object of [{ seq: 1, prev: 'p' }, { a: 1 }, { z: 1 }, {}, { hash0: 1, has: 2, i: [1, { k: 'v' }] }]) {
      const { text, value, withMember } = canonicalWithDerived(object, 'hash', sha256Hex);
      expect(text).toBe(canonicalJson(object));
      expect(value).toBe(sha256Hex(text));
      expect(withMember).toBe(canonicalJson({ ...object, hash: value }));
    }
    expect(() => canonicalWithDerived({ hash: 'x' }, 'hash', sha256Hex)).toThrow(/already set/);
  });
});
