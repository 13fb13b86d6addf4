/**
 * Applies change events and region flushes to the store, and records them in the
 * invalidation log first, so a fetch in flight cannot store what was just evicted.
 */
import type { Logger } from 'pino';
import type { ChangeEvent } from '../../common/changes/event.ts';
import type { InvalidationLog } from './invalidation-log.ts';
import type { CacheMetrics } from './metrics.ts';
import type { StreamListener } from '../../common/changes/listener.ts';
import type { CacheStore } from './store.ts';
import { regionTag, tagsOfChange } from './tags.ts';

export class Invalidator implements StreamListener {
  constructor(
    private readonly store: CacheStore,
    private readonly log: InvalidationLog,
    private readonly metrics: CacheMetrics,
    private readonly logger: Logger,
  ) {}

  changed(event: ChangeEvent): void {
    this.metrics.invalidations.inc({ region: event.region, type: event.type });
    this.apply(tagsOfChange(event), { region: event.region, type: event.type, id: event.id });
  }

  flush(region: string, why: string): void {
    this.metrics.invalidations.inc({ region, type: 'region' });
    this.logger.info({ region, why }, "cache: dropping the region's entries");
    this.apply([regionTag(region)], { region, why });
  }

  private apply(tags: string[], about: Record<string, string>): void {
    this.log.record(tags);
    // A store that cannot evict now replays the eviction when it is back (redis-store.ts).
    this.store.invalidate(tags).catch((error: unknown) => {
      this.logger.warn({ err: error, ...about }, 'cache: eviction not applied yet; the store will replay it on reconnect');
    });
  }
}
