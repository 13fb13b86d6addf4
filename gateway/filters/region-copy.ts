/**
 * The gateway's copy of one region's membership filter, and when it may be trusted.
 *
 * The guarantee. A region's filter states the change-stream point it covers (`epoch`,
 * `seq`: every key of every change message up to `seq`, and every key held when it was
 * built). The gateway follows the same stream (its one follower per region,
 * cache/region-stream.ts, which checks the sequence) and knows from which seq on it has
 * seen *every* message (`runStart`: where the follower resumed — the SSE hello's seq on
 * connecting, or on Redis the seq before the first message after subscribing; moved past
 * a gap, a new epoch or a resync). A copy is trusted only while all of these hold:
 * - same epoch as the stream, and `copy.seq >= runStart`: nothing between what the copy
 *   covers and what the gateway has seen since is missing — each later change's keys are
 *   added to the copy as the message arrives (changes that arrive before the copy does
 *   are kept and added when it is installed);
 * - the stream is live: connected and heard within `staleAfterMs` (a region sends
 *   heartbeats only while its polls of its own system succeed, common/changes/protocol.ts);
 * - the copy was fetched within 3 × `refreshMs`.
 * So a region is skipped for a key only if the region had not published a change
 * holding that key by the time the gateway last heard from it. What remains is the
 * delivery window: a record written in a regional system is found through the gateway
 * once its change reaches the gateway — after the region's next poll (200 ms by
 * default) and the stream's delivery — the same freshness the entity cache gives.
 * A stream that silently stalls stops being trusted after `staleAfterMs`.
 */
import type { StreamPosition } from '../../common/changes/listener.ts';
import type { FilterCopy } from '../../common/filters/published-filter.ts';
import type { KeyKind } from '../../common/filters/key-filter.ts';

/** Changes kept while no copy can take them; past this, the run restarts (the next copy must be newer). */
const MAX_PENDING = 100_000;

export type CopyProblem = 'no-copy' | 'stream-not-live' | 'behind-stream' | 'other-epoch' | 'too-old';

export class RegionFilterCopy {
  private epoch: string | null = null;
  /** Every message with seq > runStart (in `epoch`) has been seen; null while no run is known. */
  private runStart: number | null = null;
  private pending: { seq: number; idNumbers: readonly string[]; plates: readonly string[] }[] = [];
  private copy: FilterCopy | null = null;
  private fetchedAt = 0;

  constructor(
    readonly region: string,
    private readonly maxAgeMs: number,
  ) {}

  /** The stream says messages may have been missed: no run is known until it resumes. */
  flushed(): void {
    this.startRun(null, null);
  }

  /** The stream's follower delivers every message after `from`, in order, until the next flush. */
  resumed(from: StreamPosition): void {
    this.startRun(from.epoch, from.seq);
  }

  /** A change's keys, at its place in the stream (the follower checked the sequence). */
  changed(idNumbers: readonly string[], plates: readonly string[], at: StreamPosition): void {
    // A change outside the run (none known, or another epoch) cannot be placed: the copy
    // installed next must cover it.
    if (this.runStart === null || at.epoch !== this.epoch) this.startRun(at.epoch, at.seq);
    else if (this.coversRun()) this.apply(idNumbers, plates);
    else if (this.pending.length < MAX_PENDING) this.pending.push({ seq: at.seq, idNumbers, plates });
    else this.startRun(at.epoch, at.seq);
  }

  /** Takes a verified copy if it covers the stream's run; else says why not (fetch again later). */
  install(copy: FilterCopy, now = Date.now()): CopyProblem | null {
    if (this.runStart === null || copy.header.epoch !== this.epoch) return 'other-epoch';
    if (copy.header.seq < this.runStart) return 'behind-stream';
    this.copy = copy;
    this.fetchedAt = now;
    for (const change of this.pending) if (change.seq > copy.header.seq) this.apply(change.idNumbers, change.plates);
    this.pending = [];
    return null;
  }

  /** Why the copy cannot be trusted now (null: it can). `live` is the stream's own verdict. */
  problem(live: boolean, now = Date.now()): CopyProblem | null {
    if (!this.copy) return 'no-copy';
    if (!live) return 'stream-not-live';
    if (!this.coversRun()) return this.copy.header.epoch !== this.epoch ? 'other-epoch' : 'behind-stream';
    if (now - this.fetchedAt > this.maxAgeMs) return 'too-old';
    return null;
  }

  /** Whether a fetch is due: no usable copy, or the last one older than `refreshMs`. */
  due(refreshMs: number, now = Date.now()): boolean {
    if (this.runStart === null) return false; // wait for the stream: a copy needs a run to be checked against
    const problem = this.problem(true, now);
    return problem !== null || now - this.fetchedAt >= refreshMs;
  }

  mayHold(kind: KeyKind, key: string): boolean {
    return this.copy ? this.copy.filter.mayHold(kind, key) : true;
  }

  get size(): { bytes: number; keys: number } {
    return this.copy ? { bytes: this.copy.filter.bytes().byteLength, keys: this.copy.filter.keys } : { bytes: 0, keys: 0 };
  }

  /** The copy belongs to the stream's run: every message after what it covers is being added to it. */
  private coversRun(): boolean {
    return this.copy !== null && this.runStart !== null && this.copy.header.epoch === this.epoch && this.copy.header.seq >= this.runStart;
  }

  private apply(idNumbers: readonly string[], plates: readonly string[]): void {
    for (const key of idNumbers) this.copy!.filter.add('idNumber', key);
    for (const key of plates) this.copy!.filter.add('plate', key);
  }

  private startRun(epoch: string | null, runStart: number | null): void {
    this.epoch = epoch;
    this.runStart = runStart;
    this.pending = [];
  }
}
