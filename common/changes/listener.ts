/**
 * What a follower of the regions' change streams tells whoever listens: each change, and
 * "everything of this region may be stale" when the protocol shows events may have been
 * missed (a sequence gap, a new publisher epoch, a reconnection). Declared beside the
 * protocol so that the gateway's follower (cache/) and its other listeners (live/, the
 * subscriptions) share it without importing each other.
 */
import type { ChangeEvent } from './event.ts';

export interface StreamListener {
  changed(event: ChangeEvent): void;
  /** Everything cached for the region may be stale. */
  flush(region: string, why: string): void;
}
