/**
 * What the gateway's one follower of each region's change stream tells whoever listens
 * (the cache's invalidator, the subscriptions' hub, the membership filters): each change
 * with its place in the stream, "everything of this region may be stale" when the
 * protocol shows events may have been missed (a sequence gap, a new publisher epoch, a
 * reconnection, a resync), and, once the stream's place is known again, the point from
 * which on every message will reach the listener. Declared beside the protocol so that
 * the follower (gateway/cache/) and its other listeners share it without importing each
 * other.
 */
import type { ChangeEvent } from './event.ts';

/** A point in one region's stream: the publisher's epoch and a message's seq in it. */
export interface StreamPosition {
  readonly epoch: string;
  readonly seq: number;
}

export interface StreamListener {
  /** A change, at its place in the region's stream (the follower checked that nothing before it is missing). */
  changed(event: ChangeEvent, at: StreamPosition): void;
  /** Everything derived from the region may be stale: messages may have been missed. */
  flush(region: string, why: string): void;
  /**
   * The region's unbroken run (re)started: every message after `from` reaches the listener,
   * in order, until the next `flush`. Said after a flush as soon as the place is known (an SSE
   * hello; on Redis, which has no hello, the first message after (re)subscribing), and after a
   * resync. Listeners that only evict (the cache) need not care.
   */
  resumed?(region: string, from: StreamPosition): void;
}

/** The follower as its listeners see it: one stream per region per gateway. */
export interface ChangeStreams {
  listen(listener: StreamListener): void;
  /**
   * Connected and heard from within `withinMs` (default: the follower's own bound; never
   * shorter than 1.5 of the region's announced heartbeat). Heartbeats flow only while the
   * region's polls of its own system succeed.
   */
  isLive(region: string, withinMs?: number): boolean;
  /**
   * The last place seen in the region's current unbroken run (every later message will be
   * delivered); null while no run is known (not connected, or waiting for the first message).
   * A listener that starts caring about a region mid-run starts from here.
   */
  position(region: string): StreamPosition | null;
}
