import { describe, expect, it } from 'vitest';
import type { ChangeEvent, ChangeFeed } from '../../adapters/adapter.ts';
import { KeyFilter } from '../../common/filters/key-filter.ts';
import { silentLogger } from '../logger.ts';
import { catchUp } from './catch-up.ts';
import { RegionFilter } from './region-filter.ts';

const A = '320102198001011234';
const B = '320102198001021238';

function change(idNumber: string): ChangeEvent {
  return { region: 'JS', type: 'PersonRecord', id: idNumber, idNumbers: [idNumber], plates: [], at: '2026-12-07T00:00:00Z' };
}

/** A feed over a list, positions being list lengths; `afterRead` runs once each read has been answered. */
function listFeed(log: ChangeEvent[], afterRead: (reads: number) => void = () => {}): Pick<ChangeFeed, 'changesSince'> {
  let reads = 0;
  return {
    async changesSince(since) {
      const from = since === null ? log.length : Number(since);
      const answer = { changes: log.slice(from), position: String(log.length) };
      afterRead(++reads);
      return answer;
    },
  };
}

describe('catchUp', () => {
  it('does not stop at an empty read made before the publisher first read the feed', async () => {
    const log: ChangeEvent[] = [];
    let publisherHasRead = false;
    // Between the first (empty) read and the next: a change is written, then the publisher
    // reads the feed's head for the first time — so the publisher will never send it.
    const feed = listFeed(log, (reads) => {
      if (reads !== 1) return;
      log.push(change(A));
      publisherHasRead = true;
    });
    const added: ChangeEvent[] = [];
    const result = await catchUp(feed, '0', {
      publisherHasRead: () => publisherHasRead,
      add: (c) => added.push(c),
      abandoned: () => false,
      waitMs: 1,
    });
    expect(added.map((c) => c.id)).toEqual([A]);
    expect(result).toEqual({ outcome: 'caught-up', changes: 1, reads: 3, position: '1' });
  });

  it('reads page after page until the feed has nothing more', async () => {
    const log = [change(A), change(B)];
    const paged: Pick<ChangeFeed, 'changesSince'> = {
      async changesSince(since) {
        const from = Number(since);
        return { changes: log.slice(from, from + 1), position: String(Math.min(from + 1, log.length)) };
      },
    };
    const added: string[] = [];
    const result = await catchUp(paged, '0', { publisherHasRead: () => true, add: (c) => added.push(c.id), abandoned: () => false });
    expect(added).toEqual([A, B]);
    expect(result).toMatchObject({ outcome: 'caught-up', changes: 2, position: '2' });
  });

  it('gives up when the publisher never reads the feed', async () => {
    await expect(
      catchUp(listFeed([]), '0', {
        publisherHasRead: () => false,
        add: () => {},
        abandoned: () => false,
        waitMs: 1,
        publisherTimeoutMs: 5,
      }),
    ).rejects.toThrow(/the change publisher had not read the feed 5 ms into the catch-up/);
  });
});

describe('RegionFilter.resume', () => {
  const options = { capacity: 100, falsePositiveRate: 0.01, logger: silentLogger };

  it('builds from every key when the catch-up fails', async () => {
    let heldKeysCalls = 0;
    const filter = new RegionFilter(
      {
        async *heldKeys() {
          heldKeysCalls++;
          yield { idNumbers: [B], plates: [] };
        },
      },
      options,
    );
    const saved = KeyFilter.sized({ capacity: 100, falsePositiveRate: 0.01 });
    saved.add('idNumber', A);
    const failing: Pick<ChangeFeed, 'changesSince'> = {
      changesSince: async () => {
        throw new Error('JS database unreadable');
      },
    };
    await filter.resume(
      { filter: saved, position: '7', sizing: { capacity: 100, falsePositiveRate: 0.01 }, builtAt: '', probe: { persons: 0, sample: [] } },
      failing,
      {
        publisherHasRead: () => true,
      },
    );
    expect(heldKeysCalls).toBe(1);
    const served = filter.current()!;
    expect(served.filter).not.toBe(saved);
    expect(served.filter.mayHold('idNumber', B)).toBe(true);
  });
});
