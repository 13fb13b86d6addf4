/**
 * Keeps the region's membership filter on disk (snapshot.ts): as soon as a filter is
 * served (a build of ten minutes is not lost to a crash a minute later), then at most once
 * every `everyMs` while it or the feed position moved, and at shutdown. A snapshot of a
 * million keys is about 1.6 MB of text: one write a minute at most bounds the cost.
 *
 * Each snapshot copies the filter's bits and reads the publisher's feed position in one
 * synchronous turn, so no change can be added to one and not the other; a position that
 * lags the bits (a poll whose changes were sent, whose position is not yet recorded) only
 * makes the next catch-up list a few changes twice. Then it reads the data-set probe
 * (dataset-probe.ts) from the adapter, seals the copy and writes it.
 */
import { KeyFilter } from '../../common/filters/key-filter.ts';
import type { SigningKey } from '../../common/security/key-files.ts';
import type { DatasetProbe } from './dataset-probe.ts';
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
  /** A look at the region's data (dataset-probe.ts), read just before each snapshot is sealed. */
  probe(): Promise<DatasetProbe>;
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

  /** Saves when there is something new to save; saves never overlap. */
  save(): Promise<void> {
    if (this.closed) return this.writing;
    this.writing = this.writing.then(() => this.saveNow());
    return this.writing;
  }

  /** A last snapshot, then no more. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const last = this.save();
    this.closed = true;
    await last;
  }

  private moved(served: ServedFilter, position: string): boolean {
    const last = this.last;
    return !(last && last.served === served && last.version === served.version && last.position === position);
  }

  private async saveNow(): Promise<void> {
    const served = this.filter.current();
    const position = this.options.feedPosition();
    if (!served || position === null || !this.moved(served, position)) return;
    this.last = { served, version: served.version, position };
    // The bits copied in the same turn as the position was read (see the header).
    const frozen = KeyFilter.fromBytes(served.filter.bytes(), served.filter.shape, served.filter.keys);
    const started = performance.now();
    try {
      // After the copy: a person added since is in the count and the catch-up both, which only loosens the check.
      const probe = await this.options.probe();
      const text = sealSnapshot(this.options.key, this.options.made, {
        filter: frozen,
        position,
        sizing: served.sizing,
        builtAt: served.builtAt,
        probe,
      });
      await writeSnapshotFile(this.options.file, text);
      this.options.logger.debug(
        { file: this.options.file, bytes: text.length, ms: Math.round(performance.now() - started) },
        'membership filter snapshot saved',
      );
    } catch (error) {
      // The filter is served as before (the region unreadable for the probe, a full disk…); only a restart would rebuild it from scratch.
      this.last = null;
      this.options.logger.warn(
        { err: error, file: this.options.file },
        'membership filter snapshot not saved; retried at the next interval',
      );
    }
  }
}
