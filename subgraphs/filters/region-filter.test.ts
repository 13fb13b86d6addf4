import { describe, expect, it } from 'vitest';
import type { HeldKeys } from '../../adapters/adapter.ts';
import type { ChangeMessage } from '../../common/changes/protocol.ts';
import { defaultLogger } from '../logger.ts';
import { RegionFilter } from './region-filter.ts';

const A = '320102198001011234';
const B = '320102198001021238';
const C = '320102198001031231';

function change(seq: number, idNumbers: string[], plates: string[] = []): ChangeMessage {
  return {
    kind: 'change',
    region: 'JS',
    epoch: 'e',
    seq,
    event: { region: 'JS', type: 'PersonRecord', id: `P${seq}`, idNumbers, plates, at: '2026-12-06T00:00:00Z' },
  };
}

/** An adapter whose key listing waits for `release` after its first batch: changes arrive mid-build. */
function slowAdapter(first: HeldKeys, rest: HeldKeys) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    adapter: {
      async *heldKeys() {
        yield first;
        await gate;
        yield rest;
      },
    },
  };
}

const options = { capacity: 100, falsePositiveRate: 0.01, logger: defaultLogger('JS') };

describe('RegionFilter', () => {
  it('holds every listed key and every key of a change sent while it was being built', async () => {
    const { adapter, release } = slowAdapter({ idNumbers: [A], plates: [] }, { idNumbers: [], plates: ['蘇A12345'] });
    const filter = new RegionFilter(adapter, options);
    const built = filter.rebuild('start');
    await Promise.resolve();
    filter.receive(change(1, [B]));
    expect(filter.current()).toBeNull();
    release();
    await built;
    const served = filter.current()!;
    expect(served.filter.mayHold('idNumber', A)).toBe(true);
    expect(served.filter.mayHold('idNumber', B)).toBe(true);
    expect(served.filter.mayHold('plate', '蘇A12345')).toBe(true);
    filter.receive(change(2, [C]));
    expect(served.filter.mayHold('idNumber', C)).toBe(true);
    expect(served.version).toBe(1);
  });

  it('serves nothing after a resync until it has been rebuilt from the new data', async () => {
    let keys: HeldKeys = { idNumbers: [A], plates: [] };
    const filter = new RegionFilter(
      {
        heldKeys: async function* () {
          yield keys;
        },
      },
      options,
    );
    await filter.rebuild('start');
    expect(filter.current()?.filter.mayHold('idNumber', A)).toBe(true);
    keys = { idNumbers: [C], plates: [] };
    filter.receive({ kind: 'resync', region: 'JS', epoch: 'e', seq: 3, reason: 'database replaced' });
    expect(filter.current()).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(filter.current()?.filter.mayHold('idNumber', C)).toBe(true);
  });

  it('rebuilds larger once its key count passes its capacity, serving the old one meanwhile', async () => {
    const many = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const filter = new RegionFilter(
      {
        heldKeys: async function* () {
          yield { idNumbers: many, plates: [] };
        },
      },
      options,
    );
    await filter.rebuild('start');
    const first = filter.current()!;
    expect(first.filter.mayHold('idNumber', 'k299')).toBe(true);
    expect(first.filter.estimatedDistinctKeys()).toBeGreaterThan(100);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = filter.current()!;
    expect(second).not.toBe(first);
    expect(second.filter.shape.bits).toBeGreaterThan(first.filter.shape.bits);
    expect(many.every((key) => second.filter.mayHold('idNumber', key))).toBe(true);
  });
});
