/**
 * The Redis store, shared by gateway replicas. Entries are `SET … EX ttl`; each tag is
 * a set of the entry keys carrying it, so an invalidation is one atomic script
 * (SMEMBERS + DEL) whichever replica runs it.
 *
 * Failure is expected and cheap: commands fail at once while disconnected (no offline
 * queue) and time out after `timeoutMs`; the client reconnects by itself. An
 * invalidation that could not reach Redis is kept and replayed on reconnect, and until
 * then nothing is read from Redis — an entry that missed its eviction must not be served.
 * (Standalone Redis: the script touches keys it does not declare, which Cluster refuses.)
 */
import { createClient } from 'redis';
import type { Logger } from 'pino';
import type { CacheMetrics } from './metrics.ts';
import { StoreError, type CacheEntry, type CacheStore } from './store.ts';

const PREFIX = 'liandong:cache:';
/** More pending invalidations than this and the replay becomes "drop every cache key". */
const MAX_PENDING_TAGS = 10_000;

const INVALIDATE = `
local dropped = 0
for _, tag in ipairs(KEYS) do
  local members = redis.call('SMEMBERS', tag)
  for i = 1, #members, 500 do
    dropped = dropped + redis.call('DEL', unpack(members, i, math.min(i + 499, #members)))
  end
  redis.call('DEL', tag)
end
return dropped`;

export interface RedisStoreOptions {
  url: string;
  timeoutMs: number;
  metrics: CacheMetrics;
  logger: Logger;
}

export class RedisStore implements CacheStore {
  readonly kind = 'redis' as const;
  private readonly client;
  private readonly pending = new Set<string>();
  private overflowed = false;
  private down = false;

  constructor(private readonly options: RedisStoreOptions) {
    this.client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
    });
    this.client.on('error', (error: Error) => this.wentDown(error));
    this.client.on('ready', () => void this.cameBack());
  }

  /** Connects in the background: a Redis down at start only means no cache until it is up. */
  start(): void {
    this.client.connect().catch((error: Error) => this.wentDown(error));
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    if (this.pending.size > 0 || this.overflowed) return keys.map(() => null);
    return this.command('get', () => this.client.mGet(keys.map((k) => PREFIX + k)));
  }

  async setMany(entries: readonly CacheEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.command('set', () => {
      const multi = this.client.multi();
      for (const { key, value, tags, ttlSeconds } of entries) {
        multi.set(PREFIX + key, value, { EX: ttlSeconds });
        for (const tag of tags) {
          // The tag set must outlive every entry it indexes: NX sets a first TTL, GT only lengthens it.
          multi
            .sAdd(PREFIX + tag, PREFIX + key)
            .expire(PREFIX + tag, ttlSeconds, 'NX')
            .expire(PREFIX + tag, ttlSeconds, 'GT');
        }
      }
      return multi.exec();
    });
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    if (tags.length === 0) return 0;
    try {
      return Number(await this.command('invalidate', () => this.client.eval(INVALIDATE, { keys: tags.map((t) => PREFIX + t) })));
    } catch (error) {
      this.remember(tags);
      throw error;
    }
  }

  async close(): Promise<void> {
    // Called after the last request; a graceful QUIT could wait on a Redis that is down.
    this.client.destroy();
  }

  private async command<T>(operation: string, run: () => Promise<T>): Promise<T> {
    if (!this.client.isReady) throw this.failed(operation, new Error('not connected (reconnecting)'));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      throw this.failed(operation, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(operation: string, cause: unknown): StoreError {
    this.options.metrics.storeErrors.inc({ store: 'redis', operation });
    return new StoreError('redis', operation, cause);
  }

  private remember(tags: readonly string[]): void {
    for (const tag of tags) this.pending.add(tag);
    if (this.pending.size > MAX_PENDING_TAGS) {
      this.pending.clear();
      this.overflowed = true;
    }
  }

  private wentDown(error: Error): void {
    if (!this.down)
      this.options.logger.warn(
        { err: error, redis: this.options.url },
        'cache: Redis unavailable; answering without the cache until it is back',
      );
    this.down = true;
  }

  /** Replays the evictions Redis missed before anything is read from it again. */
  private async cameBack(): Promise<void> {
    try {
      if (this.overflowed) await this.dropEverything();
      this.overflowed = false;
      const replayed = [...this.pending];
      if (replayed.length > 0) await this.invalidate(replayed);
      for (const tag of replayed) this.pending.delete(tag);
      if (this.down) this.options.logger.info({ redis: this.options.url }, 'cache: Redis is back; caching resumes');
      this.down = false;
    } catch (error) {
      this.wentDown(error as Error);
    }
  }

  private async dropEverything(): Promise<void> {
    for await (const keys of this.client.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 1000 })) {
      if (keys.length > 0) await this.client.unlink(keys);
    }
  }
}
