/**
 * HB's change feed: HB cannot tell us what changed, so the adapter works it out when a
 * newer export arrives (diff.ts) and keeps the events here, numbered, for
 * `changesSince`, and pushes them to subscribers. Bounded: the oldest events are
 * dropped past `capacity`. Positions are `<epoch>.<seq>`: numbering restarts with the
 * process, so a position from another run — or one older than the oldest event still
 * held — is answered with `resync` (followers drop what they derived) rather than
 * silently skipping what cannot be listed.
 */
import { AdapterError, type ChangeEvent, type ChangeFeed, type ChangesAnswer } from '../adapter.ts';
import { quoteInput } from '../../common/normalise/index.ts';

export class ChangeLog implements ChangeFeed {
  private readonly events: { seq: number; event: ChangeEvent }[] = [];
  private lastSeq = 0;
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly epoch = Date.now().toString(36);

  constructor(private readonly capacity: number) {}

  private position(seq: number): string {
    return `${this.epoch}.${seq}`;
  }

  append(events: ChangeEvent[]): void {
    for (const event of events) {
      this.events.push({ seq: ++this.lastSeq, event });
      for (const listener of this.listeners) listener(event);
    }
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
  }

  async changesSince(since: string | null): Promise<ChangesAnswer> {
    const head = this.position(this.lastSeq);
    if (since === null || since === undefined) return { changes: [], position: head };
    const match = /^([0-9a-z]{1,12})\.(\d{1,15})$/.exec(String(since));
    if (!match) {
      throw new AdapterError('BAD_INPUT', 'HB', `change position ${quoteInput(since)} is not an HB change position (from changesSince)`);
    }
    const after = Number(match[2]);
    const oldestHeld = this.events.length ? this.events[0].seq : this.lastSeq + 1;
    if (match[1] !== this.epoch || after > this.lastSeq || after < oldestHeld - 1) return { changes: [], position: head, resync: true };
    return { changes: this.events.filter((e) => e.seq > after).map((e) => e.event), position: head };
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
