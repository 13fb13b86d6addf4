/**
 * Follows an adapter's change feed by polling `changesSince` (every ~200 ms by
 * default). Polling rather than `subscribe`: every adapter offers it, its position
 * survives a failed poll (a slow or down regional system delays events, never loses
 * them), and the interval — not each adapter's own push cadence — bounds how late an
 * eviction can be.
 */
import type { ChangeEvent, ChangeFeed } from '../../adapters/adapter.ts';
import type { Logger } from '../logger.ts';

export interface PollerListener {
  /**
   * Called with the changes of one successful poll (possibly none). When it rejects (it
   * could not read what it needed about them), the position does not advance: the next
   * poll lists the same changes again, so none is lost.
   */
  polled(changes: ChangeEvent[]): void | Promise<void>;
  /** The feed's log started a new life (ChangesAnswer.resync): changes since the last poll cannot be listed. */
  resynced(): void;
}

export interface Poller {
  stop(): void;
  /**
   * The feed position every change before which has been handed to `polled` and accepted
   * (null until the first successful poll). It moves only after `polled` resolved, so it
   * never runs ahead of what the listener has seen: the membership filter saves it beside
   * its bits as the point its snapshot covers (subgraphs/filters/snapshot.ts).
   */
  position(): string | null;
}

export function pollChanges(feed: ChangeFeed, intervalMs: number, listener: PollerListener, logger: Logger): Poller {
  let position: string | null = null;
  let stopped = false;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    try {
      const answer = await feed.changesSince(position);
      if (answer.resync)
        logger.warn({}, 'the regional change log restarted (database replaced or restored); followers must drop what they derived');
      if (!stopped && answer.resync) listener.resynced();
      if (!stopped) await listener.polled(answer.changes);
      position = answer.position;
      if (failing) logger.info({}, 'change feed readable again');
      failing = false;
    } catch (error) {
      // Logged once per outage; the heartbeat stops meanwhile, so subscribers know.
      if (!failing) logger.warn({ err: error }, 'change feed poll failed; retrying from the same position');
      failing = true;
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, 0);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    position: () => position,
  };
}
