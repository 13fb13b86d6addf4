/**
 * HB's change feed: HB cannot tell us what changed, so the adapter works it out when a
 * newer export arrives (diff.ts) and keeps the events here, numbered, for
 * `changesSince`, and pushes them to subscribers. Bounded: the oldest events are
 * dropped past `capacity`.
 */
import { AdapterError, type ChangeEvent, type ChangeFeed } from '../adapter.ts';

export class ChangeLog implements ChangeFeed {
  private readonly events: { seq: number; event: ChangeEvent }[] = [];
  private lastSeq = 0;
  private readonly listeners = new Set<(event: ChangeEvent) => void>();

  constructor(private readonly capacity: number) {}

  append(events: ChangeEvent[]): void {
    for (const event of events) {
      this.events.push({ seq: ++this.lastSeq, event });
      for (const listener of this.listeners) listener(event);
    }
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
  }

  async changesSince(since: string | null): Promise<{ changes: ChangeEvent[]; position: string }> {
    if (since === null || since === undefined) return { changes: [], position: String(this.lastSeq) };
    if (!/^\d{1,15}$/.test(String(since))) {
      throw new AdapterError('BAD_INPUT', 'HB', `change position "${String(since).slice(0, 40)}" is not an HB change position (a sequence number)`);
    }
    const after = Number(since);
    return { changes: this.events.filter((e) => e.seq > after).map((e) => e.event), position: String(Math.max(after, this.lastSeq)) };
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
