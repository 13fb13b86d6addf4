/**
 * The Redis connection behind the shared limits (per-officer rate limit, bulk-lookup
 * counts): one client per gateway, scripts run with a deadline.
 *
 * Fail-safe, not fail-closed. When Redis is down, reconnecting, or slower than
 * `timeoutMs`, `run()` rejects at once (no offline queue) and the caller decides with its
 * per-process counts instead: each replica then limits on its own, so an officer may get
 * up to N × the limit across N replicas until Redis is back. Refusing every query while
 * Redis is down would turn a cache outage into a total one for officers at work; the
 * limits are a brake on abuse, and the audit (which does fail closed) still records
 * every request. The switch is logged once each way and counted
 * (`liandong_limits_fallbacks_total`, `liandong_limits_shared_up`).
 */
import { createClient } from 'redis';
import type { LimitsMetrics } from './metrics.ts';

export interface LimitsLogger {
  warn(object: object, message: string): void;
  info?(object: object, message: string): void;
}

export interface SharedCountersOptions {
  url: string;
  timeoutMs: number;
  metrics: LimitsMetrics;
  logger: LimitsLogger;
}

/** Every key the limits write starts with this (and carries a TTL). */
export const LIMITS_PREFIX = 'liandong:limits:';

export class SharedCounters {
  readonly #client;
  readonly #o: SharedCountersOptions;
  #down = false;

  constructor(options: SharedCountersOptions) {
    this.#o = options;
    options.metrics.shared();
    this.#client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
    });
    this.#client.on('error', (error: Error) => this.#wentDown(error));
    this.#client.on('ready', () => this.#cameBack());
    // In the background: a Redis down at start means per-process limits until it is up.
    this.#client.connect().catch((error: Error) => this.#wentDown(error));
  }

  /** Runs a Lua script atomically; rejects when Redis is not ready or does not answer in time. */
  async run(script: string, keys: string[], args: string[]): Promise<unknown> {
    if (!this.#client.isReady) throw new Error('Redis not connected (reconnecting)');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.#o.timeoutMs} ms`)), this.#o.timeoutMs);
    });
    try {
      const reply = await Promise.race([this.#client.eval(script, { keys, arguments: args }), timeout]);
      // A timeout alone leaves the connection ready: the next answer in time ends the outage.
      if (this.#down) this.#cameBack();
      return reply;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Called by a limit that had to decide alone: counts it, and logs the first of an outage. */
  fellBack(limit: 'rate' | 'bulk', error: unknown): void {
    this.#o.metrics.fallbacks.inc({ limit });
    this.#wentDown(error as Error);
  }

  async close(): Promise<void> {
    // After the last request; a graceful QUIT could wait on a Redis that is down.
    this.#client.destroy();
  }

  #cameBack(): void {
    this.#o.metrics.sharedUp.set(1);
    if (this.#down)
      this.#o.logger.info?.(
        { event: 'limits-shared', redis: this.#o.url },
        'limits: Redis is back; rate limits and bulk-lookup counts are shared again',
      );
    this.#down = false;
  }

  #wentDown(error: Error): void {
    this.#o.metrics.sharedUp.set(0);
    if (this.#down) return;
    this.#down = true;
    this.#o.logger.warn(
      { event: 'limits-shared', redis: this.#o.url, err: error?.message },
      'limits: Redis unavailable; this replica applies rate limits and bulk-lookup counts on its own until it is back',
    );
  }
}
