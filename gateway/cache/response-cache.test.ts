import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { newReport, type GatewayContext, type RegionOutcome } from '../context.ts';
import type { RegionEntry } from '../federation/data-sources/types.ts';
import type { RegionFeeds } from './feeds.ts';
import { InvalidationLog } from './invalidation-log.ts';
import { MemoryStore } from './memory-store.ts';
import { CacheMetrics } from './metrics.ts';
import { ResponseCache } from './response-cache.ts';
import { traceOf } from './response-trace.ts';

const region = (code: string) => ({ code }) as RegionEntry;

/** A response cache over a memory store, in front of an executor that answers like the regional gateway would. */
function setUp(answer: (context: GatewayContext) => Awaited<ReturnType<GatewayExecutor>> = defaultAnswer) {
  const metrics = new CacheMetrics();
  const store = new MemoryStore(1 << 20, metrics);
  const log = new InvalidationLog();
  const live = new Set(['JS', 'GZ']);
  let regions = [region('JS'), region('GZ')];
  const cache = new ResponseCache({
    store,
    log,
    metrics,
    feeds: { isLive: (code: string) => live.has(code) } as RegionFeeds,
    regions: () => regions,
    onStoreError: (error) => {
      throw error;
    },
  });
  let executions = 0;
  const executor = cache.executor(async (rc) => {
    executions += 1;
    return answer(rc.context as GatewayContext);
  });
  const ask = async (partition = 'p1', variables: Record<string, unknown> = { id: '1' }, query = '{ person { idNumber } }') => {
    const context = { authorisationPartition: partition, report: newReport() } as GatewayContext;
    const document = parse(query);
    const rc = {
      context,
      document,
      queryHash: query,
      request: { query, variables, operationName: undefined },
      operation: document.definitions[0] as OperationDefinitionNode,
    } as unknown as GatewayGraphQLRequestContext;
    const result = await executor(rc);
    return { result, context };
  };
  return {
    ask,
    store,
    log,
    live,
    metrics,
    executions: () => executions,
    setRegions: (codes: string[]) => {
      regions = codes.map(region);
    },
  };
}

function outcome(code: string, status: RegionOutcome['status'] = 'hit'): RegionOutcome {
  return { region: code, subgraph: 'index', status, latencyMs: 3 };
}

/** Both regions answered through the entity cache: one Person item each, tagged by key. */
function defaultAnswer(context: GatewayContext) {
  const trace = traceOf(context);
  for (const code of ['JS', 'GZ']) trace?.add({ tags: [`r:${code}`, 'id:1'], types: ['Person'] }, 60);
  context.report.regions.push(outcome('JS'), outcome('GZ', 'miss'));
  return { data: { person: { idNumber: '1', names: ['a'] } } };
}

describe('the response cache', () => {
  it('answers a repeated query from one entry, reporting each region as cached', async () => {
    const c = setUp();
    const first = await c.ask();
    const again = await c.ask();
    expect(again.result).toEqual(first.result);
    expect(c.executions()).toBe(1);
    expect(again.context.report.regions).toEqual([
      { region: 'JS', subgraph: 'index', status: 'cached', latencyMs: 0 },
      { region: 'GZ', subgraph: 'index', status: 'cached', latencyMs: 0 },
    ]);
    expect(again.context.report.cache.hits).toBe(2);
  });

  it('keeps partitions and variables apart, and hands out a fresh copy each time', async () => {
    const c = setUp();
    const mine = await c.ask('p1');
    (mine.result.data as { person: { names: string[] } }).person.names.push('changed');
    await c.ask('p2');
    await c.ask('p1', { id: '2' });
    expect(c.executions()).toBe(3);
    expect((await c.ask('p1')).result.data).toEqual({ person: { idNumber: '1', names: ['a'] } });
    expect(c.executions()).toBe(3);
  });

  it('is evicted by a change to any item it was built from', async () => {
    const c = setUp();
    await c.ask();
    await c.store.invalidate(['id:1']);
    await c.ask();
    expect(c.executions()).toBe(2);
  });

  it('never stores an answer that was spoiled, had errors, or a region that did not answer', async () => {
    const spoiled = setUp((context) => {
      traceOf(context)!.spoil('a search');
      return defaultAnswer(context);
    });
    const errors = setUp((context) => ({ ...defaultAnswer(context), errors: [{ message: 'GZ unavailable' } as never] }));
    const timeout = setUp((context) => {
      const r = defaultAnswer(context);
      context.report.regions.push(outcome('GZ', 'timeout'));
      return r;
    });
    for (const c of [spoiled, errors, timeout]) {
      await c.ask();
      await c.ask();
      expect(c.executions()).toBe(2);
    }
  });

  it('does not store an answer whose items changed while it was being fetched', async () => {
    const c = setUp((context) => {
      const r = defaultAnswer(context);
      c.log.record(['id:1']);
      return r;
    });
    await c.ask();
    await c.ask();
    expect(c.executions()).toBe(2);
  });

  it('serves wanted status only while every region it came from has live invalidation', async () => {
    const c = setUp((context) => {
      const r = defaultAnswer(context);
      traceOf(context)!.sensitiveRegions.add('GZ');
      return r;
    });
    await c.ask();
    await c.ask();
    expect(c.executions()).toBe(1);
    c.live.delete('GZ');
    await c.ask();
    expect(c.executions()).toBe(2);
  });

  it('is rebuilt when the region registry changes', async () => {
    const c = setUp();
    await c.ask();
    c.setRegions(['JS', 'GZ', 'AH']);
    await c.ask();
    expect(c.executions()).toBe(2);
  });

  it('lets mutations, introspection and requests without a partition through untouched', async () => {
    const c = setUp();
    await c.ask('p1', {}, 'mutation { x }');
    await c.ask('p1', {}, 'mutation { x }');
    await c.ask('p1', {}, '{ __schema { queryType { name } } }');
    await c.ask('p1', {}, '{ __schema { queryType { name } } }');
    await c.ask('', {});
    await c.ask('', {});
    expect(c.executions()).toBe(6);
  });
});
