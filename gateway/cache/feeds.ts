/**
 * The gateway's subscriptions to every region's change stream (SSE by default, Redis
 * pub/sub when configured), kept in step with the region registry, and the answer to
 * "is invalidation for this region live right now?". One connection per region per
 * gateway: the cache's invalidator, the subscriptions' hub and the membership filters
 * all listen to it (index.ts `changes`).
 */
import type { Logger } from 'pino';
import { CHANGES_PATH } from '../../common/changes/protocol.ts';
import type { RegionEntry } from '../federation/data-sources/types.ts';
import { RegionStream } from './region-stream.ts';
import type { StreamListener, StreamPosition } from '../../common/changes/listener.ts';
import { RedisTransport } from './redis-transport.ts';
import { followSse } from './sse-transport.ts';

/** Signs a request to a region's change stream: `(region, part)` → headers. */
export type StreamSigner = (region: string, part: string) => Record<string, string>;

export interface FeedOptions {
  transport: 'sse' | 'redis';
  redisUrl: string | null;
  heartbeatTimeoutMs: number;
  logger: Logger;
  /** The regions only let the gateway read their change streams. */
  sign?: StreamSigner;
}

interface Followed {
  url: string;
  stream: RegionStream;
  stop(): void;
}

export class RegionFeeds {
  private readonly followed = new Map<string, Followed>();
  private readonly redis: RedisTransport | null;
  private synced: readonly RegionEntry[] | null = null;

  constructor(
    private readonly options: FeedOptions,
    private readonly listener: StreamListener,
  ) {
    this.redis = options.transport === 'redis' ? new RedisTransport(options.redisUrl!, options.logger) : null;
  }

  /** Follows every region listed and stops following those no longer listed (cheap when nothing changed). */
  sync(regions: readonly RegionEntry[]): void {
    // The registry hands out the same list until it reloads: nothing to compare on the hot path.
    if (regions === this.synced) return;
    this.synced = regions;
    const wanted = new Map(regions.map((r) => [r.code, changesUrl(r)]));
    for (const [code, followed] of this.followed) {
      if (wanted.get(code) !== followed.url) {
        followed.stop();
        this.followed.delete(code);
      }
    }
    for (const [code, url] of wanted) {
      if (!this.followed.has(code)) this.followed.set(code, this.follow(code, url));
    }
  }

  isLive(region: string, withinMs?: number): boolean {
    return this.followed.get(region)?.stream.isLive(Date.now(), withinMs) ?? false;
  }

  position(region: string): StreamPosition | null {
    return this.followed.get(region)?.stream.position() ?? null;
  }

  async close(): Promise<void> {
    for (const followed of this.followed.values()) followed.stop();
    this.followed.clear();
    await this.redis?.close();
  }

  private follow(code: string, url: string): Followed {
    const stream = new RegionStream(code, this.options.heartbeatTimeoutMs, this.listener);
    const sign = this.options.sign;
    const subscription = this.redis
      ? this.redis.follow(stream)
      : followSse(url, stream, this.options.logger, () => sign?.(code, 'changes') ?? {});
    return { url, stream, stop: () => subscription.stop() };
  }
}

/** `http://host:4101/records` → `http://host:4101/changes`: the stream sits beside the contract parts. */
function changesUrl(region: RegionEntry): string {
  return new URL(CHANGES_PATH.slice(1), region.endpoints.records).href;
}
