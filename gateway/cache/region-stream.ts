/**
 * What the gateway knows about one region's change stream: whether it is connected,
 * when the last heartbeat came, and where in the publisher's sequence it stands. A gap
 * in the sequence, a new publisher epoch or a reconnection means events may have been
 * missed, so the region's entries are flushed; only an unbroken, recently heard stream
 * makes the region's invalidation "live".
 */
import type { ChangeMessage } from '../../common/changes/protocol.ts';
import type { StreamListener } from '../../common/changes/listener.ts';

export class RegionStream {
  private connected = false;
  private lastBeat = 0;
  private epoch: string | null = null;
  private seq = 0;
  /** The publisher's heartbeat interval, from its hello; the window never gets shorter than 1.5 of it. */
  private announcedHeartbeatMs = 0;

  constructor(
    readonly region: string,
    private readonly heartbeatTimeoutMs: number,
    private readonly listener: StreamListener,
  ) {}

  isLive(now = Date.now()): boolean {
    return this.connected && now - this.lastBeat <= this.window();
  }

  /** The transport (re)connected: whatever happened while it was away is unknown. */
  opened(): void {
    this.connected = true;
    this.epoch = null;
    this.listener.flush(this.region, 'change stream (re)connected');
  }

  closed(): void {
    this.connected = false;
  }

  private window(): number {
    return Math.max(this.heartbeatTimeoutMs, 1.5 * this.announcedHeartbeatMs);
  }

  receive(message: ChangeMessage): void {
    if (message.region !== this.region) return;
    if (message.kind === 'hello') {
      this.epoch = message.epoch;
      this.seq = message.seq;
      this.announcedHeartbeatMs = message.heartbeatMs;
      if (message.polledAt && Date.now() - Date.parse(message.polledAt) <= this.window()) this.lastBeat = Date.now();
      return;
    }
    // Without a hello (Redis), the first message after connecting cannot prove that nothing
    // was published between the flush on open and the subscription: flush once more.
    if (this.epoch === null) this.listener.flush(this.region, 'first message after (re)connecting');
    else if (message.epoch !== this.epoch || message.seq !== this.seq + 1) {
      this.listener.flush(
        this.region,
        message.epoch !== this.epoch ? 'publisher restarted' : `missed messages ${this.seq + 1}…${message.seq - 1}`,
      );
    }
    this.epoch = message.epoch;
    this.seq = message.seq;
    if (message.kind === 'heartbeat') this.lastBeat = Date.now();
    else if (message.kind === 'resync') this.listener.flush(this.region, message.reason);
    else this.listener.changed(message.event);
  }
}
