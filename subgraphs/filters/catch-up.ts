/**
 * Bringing a saved membership filter up to date from the region's change feed, before it
 * is served again (snapshot.ts keeps the filter and the feed position P it covers).
 *
 * The caller first listens to the region's change publisher, adding the keys of every
 * message it sends to the filter; then `catchUp` reads `changesSince(P)` page after page,
 * adding their keys too, until the feed has nothing more — *and* that empty read started
 * after the publisher's first read of the feed returned (`publisherHasRead`).
 *
 * Why no change can fall between the two. Take any change c after P.
 * - The publisher sent c after the caller started listening: the listener added it.
 * - The publisher sent c before that: c was in the feed before the caller listened, so
 *   before the last (empty) catch-up read started, which therefore could not be empty
 *   while c was unread — the catch-up listed it.
 * - The publisher never sends c: it follows the feed from where its first read found the
 *   head (`changesSince(null)`: from now), so c was at or before that head, in the feed
 *   before that read returned, which was before the last catch-up read started (the
 *   condition above) — the catch-up listed it.
 * - Not yet sent: it will be, and the listener adds it then.
 * So from the end of the catch-up on, the filter holds every key of every change after
 * P, as the publisher's own stream would have given them had it never stopped. (The feed
 * lists the changes after a position in their order, as the publisher relies on too.)
 *
 * The feed answering `resync` (its log was replaced or restored since P: what changed
 * cannot be listed) or failing is the caller's cue to build from scratch instead.
 */
import type { ChangeEvent, ChangeFeed } from '../../adapters/adapter.ts';

export interface CatchUpOptions {
  /** The publisher's first read of the feed has returned (publisher.feedPosition() !== null). */
  publisherHasRead(): boolean;
  /** Called with every change after the saved position, in order. */
  add(change: ChangeEvent): void;
  /** True once the caller no longer wants the result (stopped, or a newer build began): the catch-up ends early. */
  abandoned(): boolean;
  /** How long to wait between reads while the publisher has not read the feed yet (default 100 ms). */
  waitMs?: number;
  /** The longest wait for the publisher's first read before giving up (default 30 s): a feed it cannot read fails the catch-up. */
  publisherTimeoutMs?: number;
}

export type CatchUpResult =
  | { outcome: 'caught-up'; changes: number; reads: number; position: string }
  | { outcome: 'resync' }
  | { outcome: 'abandoned' };

export async function catchUp(feed: Pick<ChangeFeed, 'changesSince'>, from: string, options: CatchUpOptions): Promise<CatchUpResult> {
  const waitMs = options.waitMs ?? 100;
  const giveUpAt = Date.now() + (options.publisherTimeoutMs ?? 30_000);
  let position = from;
  let changes = 0;
  let reads = 0;
  for (;;) {
    // Read before the feed is asked: an empty answer counts only if the publisher had read by then.
    const publisherHadRead = options.publisherHasRead();
    const answer = await feed.changesSince(position);
    reads++;
    if (options.abandoned()) return { outcome: 'abandoned' };
    if (answer.resync) return { outcome: 'resync' };
    for (const change of answer.changes) options.add(change);
    changes += answer.changes.length;
    position = answer.position;
    if (answer.changes.length > 0) continue;
    if (publisherHadRead) return { outcome: 'caught-up', changes, reads, position };
    if (Date.now() > giveUpAt)
      throw new Error(`the change publisher had not read the feed ${options.publisherTimeoutMs ?? 30_000} ms into the catch-up`);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (options.abandoned()) return { outcome: 'abandoned' };
  }
}
