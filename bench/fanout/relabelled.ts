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

/**
 * The adapter without the persons in `hidden`: their records, involvements, vehicles and
 * notices are not there, nor their numbers in `heldKeys`. Lets one data set stand for
 * regions that do not all hold the same person (the membership-filter conditions).
 */
export function hiding(inner: RegionAdapter, hidden: ReadonlySet<string>): RegionAdapter {
  const without =
    <T>(lookup: (keys: readonly string[]) => Promise<T[][]>) =>
    async (keys: readonly string[]) =>
      (await lookup(keys)).map((found, i) => (hidden.has(keys[i]) ? [] : found));
  return {
    ...inner,
    region: inner.region,
    personRecordsByIdNumber: without((k) => inner.personRecordsByIdNumber(k)),
    involvementsByIdNumber: without((k) => inner.involvementsByIdNumber(k)),
    vehicleRecordsByOwner: without((k) => inner.vehicleRecordsByOwner(k)),
    wantedNoticesByIdNumber: without((k) => inner.wantedNoticesByIdNumber(k)),
    async *heldKeys() {
      for await (const batch of inner.heldKeys()) yield { ...batch, idNumbers: batch.idNumbers.filter((k) => !hidden.has(k)) };
    },
  };
}
