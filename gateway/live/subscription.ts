/**
 * One subscriber's stream: the events the hub offers wait in a bounded queue, are
 * resolved one at a time (each an audited query under the subscriber's token, paced to
 * `eventsPerSecond`) and handed to the transport (graphql-sse or graphql-ws), which pulls
 * them as the client's connection takes them. A queue that overflows means the client
 * does not keep up: it is ended with SLOW_CONSUMER rather than letting memory grow.
 *
 * The stream ends with one last result carrying an error whose `extensions.code` says
 * why (TOKEN_EXPIRED, AUDIT_UNAVAILABLE, SLOW_CONSUMER, …) — never silently.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { LiveEvent } from './events.ts';
import type { Subscriber, SubscriptionFilter } from './hub.ts';
import type { LiveMetrics } from './metrics.ts';

/** Why the gateway ends a stream. */
export interface Ending {
  code: string;
  message: string;
}

/** Resolves one event for this subscriber: the result to send, or the reason to end the stream. */
export type Resolve = (event: LiveEvent) => Promise<ExecutionResult | Ending>;

export interface StreamLimits {
  eventsPerSecond: number;
  queueLimit: number;
}

export class LiveSubscription implements Subscriber, AsyncIterableIterator<ExecutionResult> {
  private readonly queue: Array<{ event: LiveEvent; received: number }> = [];
  private ending: Ending | null = null;
  private done = false;
  private wake: (() => void) | null = null;
  private nextSendAt = 0;
  private expiry: NodeJS.Timeout | null = null;
  /**
   * Results handed to a transport that buffers instead of pulling (graphql-sse queues what
   * it is given) and not yet written to the socket; they count against `queueLimit` too.
   */
  private unwritten = 0;
  private tracksWrites = false;
  /** Told when the gateway ends the stream (the SSE transport then stops waiting on a client that does not read). */
  onEnd: ((ending: Ending) => void) | null = null;

  constructor(
    readonly officer: string,
    readonly filter: SubscriptionFilter,
    private readonly resolve: Resolve,
    private readonly limits: StreamLimits,
    private readonly metrics: LiveMetrics,
    private readonly onClose: (subscription: LiveSubscription) => void,
  ) {}

  /** Ends the stream when the subscriber's token expires (its events would be refused from then on anyway). */
  expireAt(epochSeconds: number | null): void {
    if (epochSeconds === null) return;
    const inMs = epochSeconds * 1000 - Date.now();
    this.expiry = setTimeout(
      () =>
        this.end({
          code: 'TOKEN_EXPIRED',
          message: 'The token this subscription was opened with has expired; subscribe again with a new one.',
        }),
      Math.max(0, Math.min(inMs, 2 ** 31 - 1)),
    );
    this.expiry.unref();
  }

  /** The transport will call `written()` for each result it wrote to the client. */
  trackWrites(): void {
    this.tracksWrites = true;
  }

  written(): void {
    this.unwritten = Math.max(0, this.unwritten - 1);
  }

  offer(event: LiveEvent): void {
    if (this.ending || this.done) return;
    if (this.queue.length + this.unwritten >= this.limits.queueLimit) {
      this.metrics.dropped.inc(this.queue.length + 1);
      this.queue.length = 0;
      this.end({
        code: 'SLOW_CONSUMER',
        message: `More than ${this.limits.queueLimit} events waited for this subscriber (live.queueLimit): it is disconnected; resume with the last event id received.`,
      });
      return;
    }
    this.queue.push({ event, received: performance.now() });
    this.wake?.();
  }

  /** Ends the stream with a reason (the client gets it as the last result). */
  end(ending: Ending): void {
    if (this.ending || this.done) return;
    this.ending = ending;
    this.metrics.ended.inc({ code: ending.code });
    this.onEnd?.(ending);
    this.wake?.();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    while (!this.done) {
      if (this.ending) {
        const { code, message } = this.ending;
        this.metrics.dropped.inc(this.queue.length);
        this.close();
        return { done: false, value: { errors: [new GraphQLError(message, { extensions: { code } })] } };
      }
      const item = this.queue.shift();
      if (!item) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      await this.pace();
      if (this.done) break;
      const result = await this.resolve(item.event);
      if ('code' in result) {
        this.metrics.dropped.inc();
        this.end(result as Ending);
        continue;
      }
      this.metrics.delivered.inc({ kind: item.event.kind });
      this.metrics.latency.observe((performance.now() - item.received) / 1000);
      if (this.tracksWrites) this.unwritten++;
      return { done: false, value: result };
    }
    return { done: true, value: undefined };
  }

  /** The client went away (or the transport completed the operation). */
  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.close();
    return { done: true, value: undefined };
  }

  /** graphql-sse disposes an operation through throw or return (it requires both). */
  async throw(): Promise<IteratorResult<ExecutionResult>> {
    return this.return();
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    if (this.expiry) clearTimeout(this.expiry);
    this.queue.length = 0;
    this.onClose(this);
    this.wake?.();
  }

  /** At most `eventsPerSecond`: waits until the next send is due. */
  private async pace(): Promise<void> {
    const now = Date.now();
    const wait = this.nextSendAt - now;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.nextSendAt = Math.max(now, this.nextSendAt) + 1000 / this.limits.eventsPerSecond;
  }
}
