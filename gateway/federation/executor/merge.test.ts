/** The in-place merge follows @apollo/gateway's deepMerge, the prototype's keys included. */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mergeInto } from './merge.ts';

const fromGateway = createRequire(import.meta.url);
const apolloDeepMerge: (target: unknown, source: unknown) => unknown = fromGateway(
  join(dirname(fromGateway.resolve('@apollo/gateway')), 'utilities/deepMerge.js'),
).deepMerge;

const CASES: [string, string][] = [
  ['{"a":{"x":1},"l":[{"id":1},2],"o":[1,2,3],"k":"k"}', '{"a":{"y":2},"l":[{"n":"n"},3],"o":[9]}'],
  ['{"a":null,"b":0,"c":[null,{"x":1}]}', '{"a":{"x":1},"b":{"y":2},"c":[{"z":1},{"y":2}]}'],
  ['{"u":{"__typename":"User","id":"1"}}', '{"u":{"__typename":"User","reviews":[{"id":"1"}]},"constructor":{"a":1}}'],
  ['{}', '{"__proto__":{"p":1},"toString":"t","valueOf":{"v":1}}'],
];

describe('mergeInto', () => {
  it("gives what Apollo's deepMerge gives", () => {
    for (const [target, source] of CASES) {
      const ours = mergeInto(JSON.parse(target), JSON.parse(source));
      const apollo = apolloDeepMerge(JSON.parse(target), JSON.parse(source)) as object;
      expect(JSON.stringify(ours)).toBe(JSON.stringify(apollo));
      expect(Object.getOwnPropertyNames(ours)).toEqual(Object.getOwnPropertyNames(apollo));
    }
  });

  it('merges objects key by key, equal-length lists element by element, and replaces the rest', () => {
    const target = { a: { x: 1 }, list: [{ id: 1 }, 2], other: [1, 2, 3], keep: 'k' };
    mergeInto(target, { a: { y: 2 }, list: [{ name: 'n' }, 3], other: [9], skipped: undefined });
    expect(target).toEqual({ a: { x: 1, y: 2 }, list: [{ id: 1, name: 'n' }, 3], other: [9], keep: 'k' });
    expect(Object.keys(target)).toEqual(['a', 'list', 'other', 'keep']);
  });

  it('makes a key the prototype also has an own key of the target, never touching the prototype', () => {
    const target: Record<string, unknown> = {};
    mergeInto(target, JSON.parse('{"constructor": {"name": "x"}, "__proto__": {"polluted": true}, "toString": "s"}'));
    expect(Object.getOwnPropertyNames(target)).toEqual(['constructor', '__proto__', 'toString']);
    expect(target.constructor).toEqual({ name: 'x' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
  });
});
