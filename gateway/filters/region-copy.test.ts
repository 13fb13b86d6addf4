import { describe, expect, it } from 'vitest';
import type { ChangeMessage } from '../../common/changes/protocol.ts';
import { KeyFilter } from '../../common/filters/key-filter.ts';
import type { FilterCopy } from '../../common/filters/published-filter.ts';
import { RegionStream } from '../cache/region-stream.ts';
import { RegionFilterCopy } from './region-copy.ts';

const A = '320102198001011234';
const B = '320102198001021238';

function copyAt(epoch: string, seq: number, keys: string[] = []): FilterCopy {
  const filter = KeyFilter.sized({ capacity: 100, falsePositiveRate: 0.001 });
  for (const key of keys) filter.add('idNumber', key);
  return {
    header: { format: 'liandong-filter/1', region: 'JS', epoch, seq, builtAt: '', keys: keys.length, ...filter.shape },
    filter,
  };
}

const hello = (epoch: string, seq: number): ChangeMessage => ({
  kind: 'hello',
  region: 'JS',
  epoch,
  seq,
  heartbeatMs: 2000,
  polledAt: null,
});
const change = (epoch: string, seq: number, idNumbers: string[]): ChangeMessage => ({
  kind: 'change',
  region: 'JS',
  epoch,
  seq,
  event: { region: 'JS', type: 'PersonRecord', id: `P${seq}`, idNumbers, plates: [], at: '' },
});
const beat = (epoch: string, seq: number): ChangeMessage => ({ kind: 'heartbeat', region: 'JS', epoch, seq, at: '' });

/**
 * A copy fed by the gateway's real stream follower (the one that checks the sequence), as
 * RegionFilters wires it: the messages below go through RegionStream to the copy.
 */
function followed(copy: RegionFilterCopy) {
  const stream = new RegionStream('JS', 6000, {
    changed: (event, at) => copy.changed(event.idNumbers, event.plates, at),
    flush: () => copy.flushed(),
    resumed: (_region, from) => copy.resumed(from),
  });
  return { opened: () => stream.opened(), receive: (message: ChangeMessage) => stream.receive(message) };
}

describe('RegionFilterCopy: when the gateway trusts a region’s filter', () => {
  it('waits for the stream before fetching, then trusts a copy covering the point its stream run started at', () => {
    const copy = new RegionFilterCopy('JS', 60_000);
    const stream = followed(copy);
    expect(copy.due(1000)).toBe(false);
    stream.opened();
    stream.receive(hello('e1', 10));
    expect(copy.due(1000)).toBe(true);
    expect(copy.install(copyAt('e1', 9))).toBe('behind-stream'); // messages 10 was sent before the stream joined: unseen
    expect(copy.install(copyAt('e2', 12))).toBe('other-epoch');
    expect(copy.install(copyAt('e1', 10, [A]))).toBeNull();
    expect(copy.problem(true)).toBeNull();
    expect(copy.problem(false)).toBe('stream-not-live');
    expect(copy.mayHold('idNumber', A)).toBe(true);
  });

  it('adds the keys of changes that arrived before the copy and after it', () => {
    const copy = new RegionFilterCopy('JS', 60_000);
    const stream = followed(copy);
    stream.opened();
    stream.receive(hello('e1', 10));
    stream.receive(change('e1', 11, [A])); // before the copy arrives (the copy covers only up to 10)
    expect(copy.install(copyAt('e1', 10))).toBeNull();
    expect(copy.mayHold('idNumber', A)).toBe(true);
    stream.receive(change('e1', 12, [B]));
    expect(copy.mayHold('idNumber', B)).toBe(true);
  });

  it('stops trusting a copy after a gap, a new epoch or a resync, until a newer copy comes', () => {
    const copy = new RegionFilterCopy('JS', 60_000);
    const stream = followed(copy);
    stream.opened();
    stream.receive(hello('e1', 10));
    expect(copy.install(copyAt('e1', 10))).toBeNull();
    stream.receive(beat('e1', 11));
    expect(copy.problem(true)).toBeNull();
    stream.receive(change('e1', 14, [A])); // 12 and 13 were missed
    expect(copy.problem(true)).toBe('behind-stream');
    expect(copy.install(copyAt('e1', 13))).toBeNull(); // covers 13; 14 arrived meanwhile and is added
    expect(copy.mayHold('idNumber', A)).toBe(true);
    stream.receive(beat('e2', 1));
    expect(copy.problem(true)).toBe('other-epoch');
    expect(copy.install(copyAt('e2', 0))).toBeNull();
    stream.receive({ kind: 'resync', region: 'JS', epoch: 'e2', seq: 2, reason: 'database replaced' });
    expect(copy.problem(true)).toBe('behind-stream');
    expect(copy.install(copyAt('e2', 1))).toBe('behind-stream');
    expect(copy.install(copyAt('e2', 2))).toBeNull();
  });

  it('stops trusting a copy fetched too long ago', () => {
    const copy = new RegionFilterCopy('JS', 1000);
    const stream = followed(copy);
    stream.opened();
    stream.receive(hello('e1', 0));
    copy.install(copyAt('e1', 0), 5000);
    expect(copy.problem(true, 5500)).toBeNull();
    expect(copy.problem(true, 6001)).toBe('too-old');
  });
});

describe('RegionFilterCopy on a stream without a hello (Redis pub/sub)', () => {
  it('starts its run at the first message after subscribing: a copy must cover the seq before it', () => {
    const copy = new RegionFilterCopy('JS', 60_000);
    const stream = followed(copy);
    stream.opened();
    expect(copy.due(1000)).toBe(false); // no place in the stream known yet
    stream.receive(beat('e1', 21));
    expect(copy.due(1000)).toBe(true);
    expect(copy.install(copyAt('e1', 19))).toBe('behind-stream'); // 20 was published before the subscription
    stream.receive(change('e1', 22, [A]));
    expect(copy.install(copyAt('e1', 20))).toBeNull();
    expect(copy.mayHold('idNumber', A)).toBe(true); // 22 was kept and added
    expect(copy.problem(true)).toBeNull();
  });

  it('is no longer trusted after the subscription is lost and resubscribed, until a copy covers the new run', () => {
    const copy = new RegionFilterCopy('JS', 60_000);
    const stream = followed(copy);
    stream.opened();
    stream.receive(beat('e1', 5));
    expect(copy.install(copyAt('e1', 4))).toBeNull();
    stream.opened(); // Redis reconnected: messages published meanwhile are gone
    expect(copy.problem(true)).toBe('other-epoch'); // no run known until the next message
    stream.receive(beat('e1', 9));
    expect(copy.problem(true)).toBe('behind-stream');
    expect(copy.install(copyAt('e1', 8))).toBeNull();
  });
});
