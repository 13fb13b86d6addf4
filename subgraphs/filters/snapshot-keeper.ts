/**
 * Keeps the region's membership filter on disk (snapshot.ts): as soon as a filter is
 * served (a build of ten minutes is not lost to a crash a minute later), then at most once
 * every `everyMs` while it or the feed position moved, and at shutdown. A snapshot of a
 * million keys is about 1.6 MB of text: one write a minute at most bounds the cost.
 *
 * Each snapshot reads the filter's bits and the publisher's feed position in one
 * synchronous turn (sealSnapshot), so no change can be added to one and not the other; a
 * position that lags the bits (a poll whose changes were sent, whose position is not yet
 * recorded) only makes the next catch-up list a few changes twice.
 */
import type { SigningKey } from '../../common/security/key-files.ts';
import type { Logger } from '../logger.ts';
import type { RegionFilter, ServedFilter } from './region-filter.ts';
import { sealSnapshot, writeSnapshotFile, type SnapshotFor } from './snapshot.ts';

export const DEFAULT_SNAPSHOT_EVERY_MS = 60_000;

export interface SnapshotKeeperOptions {
  file: string;
  key: SigningKey;
  made: Omit<SnapshotFor, 'sizing'>;
  /** The publisher's feed position (null before its first successful poll: nothing to save yet). */
  feedPosition(): string | null;
  everyMs?: number;
  logger: Logger;
}

export class SnapshotKeeper {
  private last: { served: ServedFilter; version: number; position: string } | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly filter: Pick<RegionFilter, 'current'>,
    private readonly options: SnapshotKeeperOptions,
  ) {
    this.timer = setInterval(() => void this.save(), options.everyMs ?? DEFAULT_SNAPSHOT_EVERY_MS);
    this.timer.unref();
  }

  /** Saves now when there is something new to save; writes never overlap. */
  save(): Promise<void> {
    const text = this.seal();
    if (text === null) return this.writing;
    this.writing = this.writing.then(() => this.write(text));
    return this.writing;
  }

  /** A last snapshot, then no more. */
  async close(): Promise<void> {
    if (this.closed) return this.writing;
    clearInterval(this.timer);
    const last = this.save();
    this.closed = true;
    await last;
  }

  /** The sealed snapshot if the filter or the position moved since the last one (synchronous: see the header). */
  private seal(): string | null {
    if (this.closed) return null;
    const served = this.filter.current();
    const position = this.options.feedPosition();
    if (!served || position === null) return null;
    const last = this.last;
    if (last && last.served === served && last.version === served.version && last.position === position) return null;
    this.last = { served, version: served.version, position };
    return sealSnapshot(this.options.key, this.options.made, {
      filter: served.filter,
      position,
      sizing: served.sizing,
      builtAt: served.builtAt,
    });
  }

  private async write(text: string): Promise<void> {
    const started = performance.now();
    try {
      await writeSnapshotFile(this.options.file, text);
      this.options.logger.debug(
        { file: this.options.file, bytes: text.length, ms: Math.round(performance.now() - started) },
        'membership filter snapshot saved',
      );
    } catch (error) {
      // The filter is served as before; only a restart would rebuild it from scratch.
      this.last = null;
      this.options.logger.warn(
        { err: error, file: this.options.file },
        'membership filter snapshot not saved; retried at the next interval',
      );
    }
  }
}
