/**
 * The coalescer on a fake system that records its calls: lookups of one kind asked in one
 * turn share a call, each caller gets exactly its own rows in the system's order, and a
 * failed or unattributable shared call is made again per caller.
 */
import { describe, expect, it } from 'vitest';
import { AdapterError } from '../adapter.ts';
import { Coalescer, type Kind } from './coalesce.ts';

type Row = { k: string; n: number };

/** A system holding rows k = key, two per key, answered sorted by n (as GZ sorts by its own order column). */
function system(
  options: { refuse?: (keys: string[]) => unknown; extraRow?: Row; maxKeys?: number; keyOf?: (row: Row, column: string) => unknown } = {},
) {
  const calls: { kind: Kind; keys: string[] }[] = [];
  const coalescer = new Coalescer<Row>({
    fetch: async (kind, keys) => {
      calls.push({ kind, keys: [...keys].sort() });
      const refusal = options.refuse?.(keys);
      if (refusal) throw refusal;
      const rows = keys.flatMap((k) => [
        { k, n: Number(k.slice(1)) },
        { k, n: 100 + Number(k.slice(1)) },
      ]);
      if (options.extraRow) rows.push(options.extraRow);
      return rows.sort((a, b) => a.n - b.n);
    },
    keyOf: options.keyOf ?? ((row, column) => (column === 'k' ? row.k : undefined)),
    maxKeys: options.maxKeys ?? 1000,
    failsEveryone: (error) => error instanceof AdapterError && error.kind === 'UNAVAILABLE',
  });
  return { calls, coalescer };
}

const PERSONS: Kind = { resource: 'renkou', column: 'k' };
const NOTICES: Kind = { resource: 'tongji', column: 'k' };
const alone = async (keys: string[], options?: Parameters<typeof system>[0]) => system(options).coalescer.load(PERSONS, keys);

describe('Coalescer', () => {
  it('one call for the lookups of one kind asked in one turn; each caller gets its own rows, in the answer order', async () => {
    const { calls, coalescer } = system();
    const asked = [['k3', 'k1'], ['k2'], ['k1'], ['k4', 'k4']];
    const answers = await Promise.all(asked.map((keys) => coalescer.load(PERSONS, keys)));
    expect(calls).toEqual([{ kind: PERSONS, keys: ['k1', 'k2', 'k3', 'k4'] }]);
    for (const [i, keys] of asked.entries()) expect(answers[i]).toEqual(await alone(keys));
    expect(answers[0].map((r) => r.n)).toEqual([1, 3, 101, 103]);
  });

  it('kinds apart, turns apart, and a lone or empty lookup as it is', async () => {
    const { calls, coalescer } = system();
    await Promise.all([coalescer.load(PERSONS, ['k1']), coalescer.load(NOTICES, ['k1'])]);
    await coalescer.load(PERSONS, ['k2']);
    expect(await coalescer.load(PERSONS, [])).toEqual([]);
    expect(calls).toEqual([
      { kind: PERSONS, keys: ['k1'] },
      { kind: NOTICES, keys: ['k1'] },
      { kind: PERSONS, keys: ['k2'] },
    ]);
  });

  it('never more keys in a call than the system takes; a caller over the limit calls alone', async () => {
    const { calls, coalescer } = system({ maxKeys: 3 });
    const answers = await Promise.all([
      coalescer.load(PERSONS, ['k1', 'k2']),
      coalescer.load(PERSONS, ['k2', 'k3']),
      coalescer.load(PERSONS, ['k4', 'k5']),
      coalescer.load(PERSONS, ['k6', 'k7', 'k8', 'k9']),
    ]);
    expect(calls.map((c) => c.keys)).toEqual([
      ['k6', 'k7', 'k8', 'k9'],
      ['k1', 'k2', 'k3'],
      ['k4', 'k5'],
    ]);
    expect(answers[1]).toEqual(await alone(['k2', 'k3']));
    expect(answers[3]).toEqual(await alone(['k6', 'k7', 'k8', 'k9']));
  });

  it('a refused shared call is made again per caller: only the caller whose keys were refused fails', async () => {
    const refusal = new AdapterError('BAD_SOURCE_DATA', 'GZ', 'refused');
    const refuse = (keys: string[]) => (keys.includes('bad') ? refusal : undefined);
    const { calls, coalescer } = system({ refuse });
    const [good, bad] = await Promise.allSettled([coalescer.load(PERSONS, ['k1']), coalescer.load(PERSONS, ['bad'])]);
    expect(good).toEqual({ status: 'fulfilled', value: await alone(['k1']) });
    expect(bad).toEqual({ status: 'rejected', reason: refusal });
    expect(calls.map((c) => c.keys)).toEqual([['bad', 'k1'], ['k1'], ['bad']]);
  });

  it('a system down fails every caller of the shared call at once, without asking again', async () => {
    const down = new AdapterError('UNAVAILABLE', 'GZ', 'timed out');
    const { calls, coalescer } = system({ refuse: () => down });
    const results = await Promise.allSettled([coalescer.load(PERSONS, ['k1']), coalescer.load(PERSONS, ['k2'])]);
    expect(results).toEqual([
      { status: 'rejected', reason: down },
      { status: 'rejected', reason: down },
    ]);
    expect(calls).toHaveLength(1);
  });

  it('a row no caller asked for: each caller asks alone and gets what its own call returns', async () => {
    const extraRow = { k: 'stray', n: 50 };
    const { calls, coalescer } = system({ extraRow });
    const answers = await Promise.all([coalescer.load(PERSONS, ['k1']), coalescer.load(PERSONS, ['k2'])]);
    expect(answers[0]).toEqual(await alone(['k1'], { extraRow }));
    expect(answers[0]).toContainEqual(extraRow);
    expect(calls.map((c) => c.keys)).toEqual([['k1', 'k2'], ['k1'], ['k2']]);
  });

  it('an error while sharing out the rows reaches every caller of the call (never an unhandled rejection)', async () => {
    const broken = new TypeError('row without its key');
    const { coalescer } = system({
      keyOf: () => {
        throw broken;
      },
    });
    const results = await Promise.allSettled([coalescer.load(PERSONS, ['k1']), coalescer.load(PERSONS, ['k2'])]);
    expect(results).toEqual([
      { status: 'rejected', reason: broken },
      { status: 'rejected', reason: broken },
    ]);
  });

  it('refuses a limit that is not a whole number of at least 1, naming it', () => {
    expect(() => system({ maxKeys: 0 })).toThrow('Coalescer: maxKeys must be a whole number of at least 1, got 0');
  });
});
