/**
 * What the gateway knows about one region's change stream: whether it is connected,
 * when the last heartbeat came, and where in the publisher's sequence it stands. This is
 * the one place that checks the sequence: a gap, a new publisher epoch or a reconnection
 * means events may have been missed, so listeners are told to flush the region, then
 * from which point on they will see every message (`resumed`); each change goes out with
 * its position. Only an unbroken, recently heard stream makes the region "live".
 */
import type { ChangeMessage } from '../../common/changes/protocol.ts';
import type { StreamListener, StreamPosition } from '../../common/changes/listener.ts';

export class RegionStream {
  private connected = false;
  private lastBeat = 0;
  /** The run's epoch; null while no run is known (after (re)connecting, before a hello or first message). */
  private epoch: string | null = null;
  private seq = 0;
  /** The publisher's heartbeat interval, from its hello; the window never gets shorter than 1.5 of it. */
  private announcedHeartbeatMs = 0;

  constructor(
    readonly region: string,
    private readonly heartbeatTimeoutMs: number,
    private readonly listener: StreamListener,
  ) {}

  /** Connected and heard within `timeoutMs` (a listener may ask with its own bound, e.g. the filters'). */
  isLive(now = Date.now(), timeoutMs = this.heartbeatTimeoutMs): boolean {
    return this.connected && now - this.lastBeat <= this.window(timeoutMs);
  }

  /** The last message's place in an unbroken run; null while none is known. */
  position(): StreamPosition | null {
    return this.connected && this.epoch !== null ? { epoch: this.epoch, seq: this.seq } : null;
  }

  /** The transport (re)connected: whatever happened while it was away is unknown. */
  opened(): void {
    this.connected = true;
    this.epoch = null;
    this.listener.flush(this.region, 'change stream (re)connected');
  }

  closed(): void {
    this.connected = false;
    this.epoch = null;
  }

  private window(timeoutMs = this.heartbeatTimeoutMs): number {
    return Math.max(timeoutMs, 1.5 * this.announcedHeartbeatMs);
  }

  receive(message: ChangeMessage): void {
    if (message.region !== this.region) return;
    if (message.kind === 'hello') {
      this.epoch = message.epoch;
      this.seq = message.seq;
      this.announcedHeartbeatMs = message.heartbeatMs;
      if (message.polledAt && Date.now() - Date.parse(message.polledAt) <= this.window()) this.lastBeat = Date.now();
      // The hello carries the seq of the last message sent before it: every later one comes here.
      this.listener.resumed?.(this.region, { epoch: message.epoch, seq: message.seq });
      return;
    }
    // Without a hello (Redis), the first message after connecting cannot prove that nothing
    // was published between the flush on open and the subscription: flush once more, and
    // the run starts with this message.
    const restart =
      this.epoch === null
        ? 'first message after (re)connecting'
        : message.epoch !== this.epoch
          ? 'publisher restarted'
          : message.seq !== this.seq + 1
            ? `missed messages ${this.seq + 1}…${message.seq - 1}`
            : null;
    if (restart !== null) {
      this.listener.flush(this.region, restart);
      this.listener.resumed?.(this.region, { epoch: message.epoch, seq: message.seq - 1 });
    }
    this.epoch = message.epoch;
    this.seq = message.seq;
    if (message.kind === 'heartbeat') this.lastBeat = Date.now();
    else if (message.kind === 'resync') {
      // The region's data started a new life: what was derived before this point is gone.
      this.listener.flush(this.region, message.reason);
      this.listener.resumed?.(this.region, { epoch: message.epoch, seq: message.seq });
    } else this.listener.changed(message.event, { epoch: message.epoch, seq: message.seq });
  }
}
