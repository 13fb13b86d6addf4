/**
 * Workload 3's membership-filter figures at scale: one region of N persons (the JS
 * adapter over the generated data set), its filter built as the subgraph builds it
 * (every held key through `heldKeys`, a Bloom filter at the subgraph's default target
 * rate), its size, build time, the false-positive rate measured on keys it does not
 * hold, and the gateway memory 32 such regions take (the gateway keeps one copy each).
 */
import { createAdapter } from '../../adapters/js/index.ts';
import { KeyFilter } from '../../common/filters/key-filter.ts';
import { normaliseIdNumber } from '../../common/normalise/index.ts';
import { DEFAULT_FALSE_POSITIVE_RATE } from '../../subgraphs/filters/index.ts';
import { benchData } from '../lib/data.ts';

/** Region count of the memory budget (31 provinces and then some). */
const BUDGET_REGIONS = 32;
const PROBES = 200_000;

export async function runFilterSizeWorkload(opts: { persons: number; log: (line: string) => void }) {
  const data = await benchData(opts.persons, ['JS'], opts.log);
  const adapter = await createAdapter({ dataDir: data.dir, settings: {} });
  try {
    // As the subgraph does: read every held key (timed alone), then fill a filter sized for them.
    let started = performance.now();
    const held = new Set<string>();
    const heldPlates = new Set<string>();
    const all: { kind: 'idNumber' | 'plate'; key: string }[] = [];
    for await (const batch of adapter.heldKeys()) {
      for (const key of batch.idNumbers) {
        held.add(key);
        all.push({ kind: 'idNumber', key });
      }
      for (const key of batch.plates) {
        heldPlates.add(key);
        all.push({ kind: 'plate', key });
      }
    }
    const readMs = performance.now() - started;
    started = performance.now();
    // Sized for the distinct keys (the subgraph estimates them from its first build's bits).
    const distinct = held.size + heldPlates.size;
    const filter = KeyFilter.sized({ capacity: distinct, falsePositiveRate: DEFAULT_FALSE_POSITIVE_RATE });
    for (const { kind, key } of all) filter.add(kind, key);
    const addMs = performance.now() - started;
    // Valid numbers the region does not hold: Beijing-born 1950–1999 (the stand-ins' areas are elsewhere), checked against the held set.
    let probes = 0;
    let positives = 0;
    for (let i = 0; probes < PROBES; i++) {
      const legacy = `110101${String(50 + (i % 50)).padStart(2, '0')}${String(1 + (Math.floor(i / 50) % 12)).padStart(2, '0')}${String(1 + (Math.floor(i / 600) % 28)).padStart(2, '0')}${String(Math.floor(i / 16_800) % 1000).padStart(3, '0')}`;
      const key = normaliseIdNumber(legacy);
      if (held.has(key)) continue;
      probes++;
      if (filter.mayHold('idNumber', key)) positives++;
    }
    started = performance.now();
    for (let i = 0; i < PROBES; i++) filter.mayHold('idNumber', all[i % all.length].key);
    const testUs = ((performance.now() - started) * 1000) / PROBES;
    const bytes = filter.bytes().byteLength;
    const result = {
      persons: opts.persons,
      keysListed: all.length,
      keys: distinct,
      estimatedDistinctKeys: filter.estimatedDistinctKeys(),
      distinctIdNumbers: held.size,
      plates: heldPlates.size,
      bytes,
      bitsPerKey: (bytes * 8) / distinct,
      hashes: filter.shape.hashes,
      targetFalsePositiveRate: DEFAULT_FALSE_POSITIVE_RATE,
      measuredFalsePositiveRate: positives / probes,
      probes,
      readKeysMs: Math.round(readMs),
      buildMs: Math.round(readMs + addMs),
      testMicros: Number(testUs.toFixed(3)),
      budget: { regions: BUDGET_REGIONS, bytes: BUDGET_REGIONS * bytes, mib: Number(((BUDGET_REGIONS * bytes) / 2 ** 20).toFixed(1)) },
    };
    opts.log(
      `  filter at ${opts.persons} persons: ${result.keys} distinct keys (${held.size} identity numbers, ${heldPlates.size} plates; ${all.length} listed), ${(bytes / 2 ** 20).toFixed(2)} MiB, ` +
        `${result.bitsPerKey.toFixed(1)} bits/key, ${result.hashes} hashes; false positives ${(result.measuredFalsePositiveRate * 100).toFixed(2)} % ` +
        `(target ${DEFAULT_FALSE_POSITIVE_RATE * 100} %, ${probes} keys not held); built in ${result.buildMs} ms (reading the keys ${result.readKeysMs} ms); ` +
        `test ${result.testMicros} µs; ${BUDGET_REGIONS} regions: ${result.budget.mib} MiB`,
    );
    return result;
  } finally {
    await adapter.close();
  }
}
