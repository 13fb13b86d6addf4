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

describe('a region change stream tells its listeners where it stands', () => {
  function positions() {
    const said: string[] = [];
    const listener = {
      changed: (_e: ChangeEvent, at: { epoch: string; seq: number }) => said.push(`change ${at.epoch}#${at.seq}`),
      flush: () => said.push('flush'),
      resumed: (_r: string, from: { epoch: string; seq: number }) => said.push(`from ${from.epoch}#${from.seq}`),
    };
    return { said, listener };
  }

  it('resumes at the hello, after a gap, at a new epoch and after a resync; each change carries its place', () => {
    const { said, listener } = positions();
    const stream = new RegionStream('JS', 3000, listener);
    expect(stream.position()).toBeNull();
    stream.opened();
    expect(stream.position()).toBeNull(); // connected, but where it stands is not known before the hello
    stream.receive(hello(4));
    stream.receive(change(5));
    expect(stream.position()).toEqual({ epoch: 'a', seq: 5 });
    stream.receive(change(8)); // 6 and 7 missed: every message after 7 is seen from here
    stream.receive(change(1, 'b'));
    stream.receive({ kind: 'resync', region: 'JS', epoch: 'b', seq: 2, reason: 'restored' });
    expect(said).toEqual([
      'flush',
      'from a#4',
      'change a#5',
      'flush',
      'from a#7',
      'change a#8',
      'flush',
      'from b#0',
      'change b#1',
      'flush',
      'from b#2',
    ]);
    stream.closed();
    expect(stream.position()).toBeNull();
  });

  it('without a hello (Redis), resumes at the seq before the first message after (re)connecting', () => {
    const { said, listener } = positions();
    const stream = new RegionStream('JS', 3000, listener);
    stream.opened();
    stream.receive(beat(10));
    stream.receive(change(11));
    expect(said).toEqual(['flush', 'flush', 'from a#9', 'change a#11']);
  });

  it('answers liveness with a listener’s own bound, never below 1.5 heartbeats the region announced', () => {
    const stream = new RegionStream('JS', 3000, positions().listener);
    stream.opened();
    stream.receive(hello(1));
    stream.receive(beat(2));
    expect(stream.isLive(Date.now() + 2500)).toBe(true);
    expect(stream.isLive(Date.now() + 2500, 1000)).toBe(true); // 1.5 × the announced 2000 ms
    expect(stream.isLive(Date.now() + 3500, 1000)).toBe(false);
    expect(stream.isLive(Date.now() + 3500, 5000)).toBe(true);
  });
});
