/**
 * A region adapter re-labelled as another region: the JS adapter over one generated
 * SQLite file, answering as region `code` (ids come out `XA:P00000001`). This is how
 * the fan-out workload gets 8, 16 or 32 regions from one data set: the adapter loader
 * ties a region code to its adapter folder, so extra regions are this wrapper, not new
 * adapters. Bench-only.
 */
import type { RegionAdapter } from '../../adapters/adapter.ts';

export function relabelled(inner: RegionAdapter, code: string): RegionAdapter {
  const region = { ...inner.region, code, name: `bench ${code}` };
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'region') return region;
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
