/** The limits' own arithmetic, with explicit clocks: token refill, the bulk-lookup window, the cost model; where the shared counts live. */
import { buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BulkLookupMonitor } from './bulk-lookup.ts';
import { validateLimitsConfig } from './config.ts';
import { costLimitRule } from './cost.ts';
import { depthLimitRule } from './depth.ts';
import { RateLimiter } from './rate-limit.ts';
import { operationLabel } from './refusal.ts';

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the seconds until the next token, then refills', () => {
    const limiter = new RateLimiter({ burst: 2, perSecond: 1 });
    expect(limiter.take('a', 0)).toEqual({ allowed: true });
    expect(limiter.take('a', 0)).toEqual({ allowed: true });
    expect(limiter.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('b', 0)).toEqual({ allowed: true });
    expect(limiter.take('a', 1000)).toEqual({ allowed: true });
  });
});

describe('BulkLookupMonitor', () => {
  it('counts distinct persons within the window and forgets older views', () => {
    const monitor = new BulkLookupMonitor({ threshold: 2, windowSeconds: 60, block: true });
    expect(monitor.record('o', ['1', '2', '1'], 0)).toEqual({ allowed: true, distinct: 2 });
    expect(monitor.record('o', ['3'], 1000)).toMatchObject({ allowed: false, wouldBe: 3 });
    expect(monitor.record('o', ['2'], 2000)).toEqual({ allowed: true, distinct: 2 });
    // '1' was last viewed at 0 and has left the window; '2' was viewed again at 2000.
    expect(monitor.record('o', ['3'], 61_000)).toEqual({ allowed: true, distinct: 2 });
  });

  it('raises one alert per crossing', () => {
    const monitor = new BulkLookupMonitor({ threshold: 1, windowSeconds: 60, block: false });
    const alerts: unknown[] = [];
    monitor.on('alert', (a) => alerts.push(a));
    monitor.record('o', ['1', '2'], 0);
    monitor.record('o', ['3'], 1);
    expect(alerts).toHaveLength(1);
    monitor.record('o', ['4'], 120_000); // window moved on: 1 person, below again
    monitor.record('o', ['5'], 120_001);
    expect(alerts).toHaveLength(2);
  });
});

describe('cost and depth', () => {
  const schema = buildSchema(`
    type Query { search(first: Int = 10): Connection!  items: [Item!]! }
    type Connection { edges: [Edge!]! }
    type Edge { node: Item! }
    type Item { id: ID!  children(limit: Int): [Item!]! }
  `);
  const cost = (query: string, variables = {}) => {
    const [error] = validate(schema, parse(query), [costLimitRule({ maxCost: 0, defaultListSize: 5 }, variables)]);
    return Number(/costs (\d+)/.exec(error?.message ?? '')?.[1] ?? 0);
  };

  it("multiplies by a connection's page size (argument, variable or schema default), else the default list size", () => {
    expect(cost('{ search(first: 3) { edges { node { id } } } }')).toBe(1 + 3 * (1 + 1 * (1 + 1)));
    expect(cost('query($n: Int) { search(first: $n) { edges { node { id } } } }', { n: 2 })).toBe(1 + 2 * 3);
    expect(cost('{ search { edges { node { id } } } }')).toBe(1 + 10 * 3);
    expect(cost('{ items { id children(limit: 4) { id } } }')).toBe(5 * (1 + 1 + 4 * (1 + 1)));
  });

  it('counts depth through fragments and ignores introspection', () => {
    const rule = depthLimitRule(2);
    expect(validate(schema, parse('{ items { ...F } } fragment F on Item { children { id } }'), [rule])).toHaveLength(1);
    expect(validate(schema, parse('{ __schema { types { fields { type { ofType { name } } } } } }'), [rule])).toHaveLength(0);
  });
});

describe('refusal messages', () => {
  it('quote a huge operation name short instead of echoing it whole', () => {
    const name = `Q${'x'.repeat(100_000)}`;
    const operation = parse(`query ${name} { a }`).definitions[0] as OperationDefinitionNode;
    const label = operationLabel(operation);
    expect(label.length).toBeLessThan(100);
    expect(label).toBe(`"Q${'x'.repeat(39)}"… (100001 characters) `);
    expect(operationLabel(parse('query Short { a }').definitions[0] as OperationDefinitionNode)).toBe('"Short" ');
  });
});

describe('where the shared counts live (limits.store)', () => {
  it('shares them through the Redis of REDIS_URL unless told otherwise, and names a bad setting', () => {
    expect(validateLimitsConfig(undefined)).toMatchObject({ store: 'memory', redisUrl: null });
    expect(validateLimitsConfig(undefined, undefined, { REDIS_URL: 'redis://r:6379' })).toMatchObject({
      store: 'redis',
      redisUrl: 'redis://r:6379',
    });
    expect(validateLimitsConfig({ store: 'memory' }, undefined, { REDIS_URL: 'redis://r:6379' }).store).toBe('memory');
    expect(validateLimitsConfig({ redisUrl: 'redis://own:6379' }, undefined, { REDIS_URL: 'redis://r:6379' }).redisUrl).toBe(
      'redis://own:6379',
    );
    expect(() => validateLimitsConfig({ store: 'redis' })).toThrow(
      'limits.store: "redis" needs a Redis URL: set limits.redisUrl or the REDIS_URL environment variable',
    );
    expect(() => validateLimitsConfig({ redisUrl: 'http://r' })).toThrow(
      'limits.redisUrl: expected a redis:// or rediss:// URL, got "http://r"',
    );
    expect(() => validateLimitsConfig(undefined, undefined, { REDIS_URL: 'r:6379' })).toThrow(
      /REDIS_URL.*expected a redis:\/\/ or rediss:\/\/ URL/,
    );
    expect(() => validateLimitsConfig({ redisTimeoutMs: 1 })).toThrow('limits.redisTimeoutMs: expected an integer from 5 to 10000, got 1');
  });
});
