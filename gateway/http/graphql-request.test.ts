import { describe, expect, it } from 'vitest';
import { exceedsDepth } from './graphql-request.ts';

describe('variables depth', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
    return value;
  };

  it('counts objects and arrays alike, a scalar being depth 0', () => {
    expect(exceedsDepth(1, 0)).toBe(false);
    expect(exceedsDepth({}, 1)).toBe(false);
    expect(exceedsDepth(nested(32), 32)).toBe(false);
    expect(exceedsDepth(nested(33), 32)).toBe(true);
    expect(exceedsDepth({ wide: Array.from({ length: 10_000 }, () => ({ x: 1 })), deep: nested(40) }, 32)).toBe(true);
  });

  it('measures a value nested 1,000,000 deep without recursion', () => {
    expect(exceedsDepth(nested(1_000_000), 32)).toBe(true);
  });
});
