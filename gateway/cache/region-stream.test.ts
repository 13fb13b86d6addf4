import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../common/changes/event.ts';
import type { ChangeMessage } from '../../common/changes/protocol.ts';
import { RegionStream } from './region-stream.ts';

function recorder() {
  const flushes: string[] = [];
  const changes: ChangeEvent[] = [];
  return {
    flushes,
    changes,
    listener: { changed: (e: ChangeEvent) => changes.push(e), flush: (_r: string, why: string) => flushes.push(why) },
  };
}

const event: ChangeEvent = { region: 'JS', type: 'PersonRecord', id: 'P1', idNumbers: [], plates: [], at: '2026-11-29T00:00:00Z' };
const hello = (seq: number, epoch = 'a'): ChangeMessage => ({
  kind: 'hello',
  region: 'JS',
  epoch,
  seq,
  heartbeatMs: 2000,
  polledAt: new Date().toISOString(),
});
const change = (seq: number, epoch = 'a'): ChangeMessage => ({ kind: 'change', region: 'JS', epoch, seq, event });
const beat = (seq: number, epoch = 'a'): ChangeMessage => ({ kind: 'heartbeat', region: 'JS', epoch, seq, at: new Date().toISOString() });

describe('a region change stream', () => {
  it('is live once opened and heard from, and not after it closes', () => {
    const { listener } = recorder();
    const stream = new RegionStream('JS', 3000, listener);
    expect(stream.isLive()).toBe(false);
    stream.opened();
    stream.receive(hello(4));
    expect(stream.isLive()).toBe(true);
    stream.closed();
    expect(stream.isLive()).toBe(false);
  });

  it('goes quiet when heartbeats stop', () => {
    const stream = new RegionStream('JS', 3000, recorder().listener);
    stream.opened();
    stream.receive(beat(1));
    expect(stream.isLive(Date.now() + 2000)).toBe(true);
    expect(stream.isLive(Date.now() + 10_000)).toBe(false);
  });

  it('flushes on open, on a gap and on a new publisher, and passes changes on', () => {
    const { listener, flushes, changes } = recorder();
    const stream = new RegionStream('JS', 3000, listener);
    stream.opened();
    stream.receive(hello(4));
    stream.receive(change(5));
    stream.receive(beat(6));
    expect(flushes).toHaveLength(1);
    stream.receive(change(8));
    expect(flushes[1]).toMatch(/missed messages 7…7/);
    stream.receive(change(1, 'b'));
    expect(flushes[2]).toMatch(/publisher restarted/);
    expect(changes).toHaveLength(3);
  });

  it('flushes again at the first message when no hello came (Redis)', () => {
    const { listener, flushes } = recorder();
    const stream = new RegionStream('JS', 3000, listener);
    stream.opened();
    stream.receive(beat(10));
    stream.receive(beat(11));
    expect(flushes).toHaveLength(2);
  });

  it('ignores messages of another region', () => {
    const { listener, changes } = recorder();
    const stream = new RegionStream('GZ', 3000, listener);
    stream.opened();
    stream.receive(change(1));
    expect(changes).toHaveLength(0);
  });

  it('flushes when the publisher says the regional change log restarted, and stays in sequence', () => {
    const { listener, flushes } = recorder();
    const stream = new RegionStream('JS', 3000, listener);
    stream.opened();
    stream.receive(hello(1));
    flushes.length = 0;
    stream.receive({ kind: 'resync', region: 'JS', epoch: 'a', seq: 2, reason: "JS's change log restarted" });
    stream.receive(change(3));
    expect(flushes).toEqual(["JS's change log restarted"]);
  });
});
