import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../adapter.ts';
import { ChangeLog } from './change-log.ts';

const event = (id: string): ChangeEvent => ({
  region: 'HB',
  type: 'PersonRecord',
  id,
  idNumbers: [],
  plates: [],
  at: '2026-12-01T00:00:00Z',
});

describe('the HB change log', () => {
  it('lists what came after a position it still holds', async () => {
    const log = new ChangeLog(10);
    const { position } = await log.changesSince(null);
    log.append([event('a'), event('b')]);
    const answer = await log.changesSince(position);
    expect(answer.changes.map((c) => c.id)).toEqual(['a', 'b']);
    expect(answer.resync).toBeUndefined();
  });

  it('answers resync, not a partial list, for a position older than the oldest event it holds', async () => {
    const log = new ChangeLog(2);
    const { position } = await log.changesSince(null);
    log.append([event('a'), event('b'), event('c')]);
    expect(await log.changesSince(position)).toMatchObject({ changes: [], resync: true });
  });

  it('answers resync for a position from another run', async () => {
    const log = new ChangeLog(10);
    expect(await log.changesSince('zz.3')).toMatchObject({ changes: [], resync: true });
  });
});
