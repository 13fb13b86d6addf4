/**
 * A region adapter re-labelled as another region: the JS adapter over one generated
 * SQLite file, answering as region `code` (ids come out `XA:P00000001`), optionally
 * after a fixed delay per adapter call. This is how the fan-out workload gets 8, 16 or
 * 32 regions from one data set: the adapter loader ties a region code to its adapter
 * folder, so extra regions are this wrapper, not new adapters. Bench-only.
 */
import type { RegionAdapter } from '../../adapters/adapter.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function relabelled(inner: RegionAdapter, code: string, delayMs = 0): RegionAdapter {
  const region = { ...inner.region, code, name: `bench ${code}` };
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'region') return region;
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      if (delayMs === 0 || key === 'close') return value.bind(target);
      // Delayed before the call: the region is slow to answer, not slow to see its data.
      return async (...args: unknown[]) => { await sleep(delayMs); return value.apply(target, args); };
    },
  });
}
