/**
 * A durable, hash-chained, checkpointed log over any AuditSink.
 *
 * append() links the entry into the chain, queues it for group commit and resolves
 * only once the sink has made it durable. Any failure rejects with
 * AuditUnavailableError (the caller refuses the operation: fail closed), raises an
 * operator alert and puts the log into a failed state; the next append re-opens the
 * sink, which re-reads the durable tail so the chain continues from what is really on
 * disk. Signed checkpoints of the durable head go to the sink's checkpoint store every
 * N entries, every T seconds and on close, then to each witness.
 *
 * What the checkpoints let a verifier prove about entries past the last one (the
 * "unsigned tail", which anyone can extend: the chain itself needs no key):
 * - each (re)open writes an `open` checkpoint of the head it continues from, carrying
 *   the cadence below; a clean close writes a `close` checkpoint. Entries after a
 *   `close` with no `open` after it were not written by this writer.
 * - a batch is never written while N or more entries are unsigned: the checkpoint is
 *   stored first (or the batch refused). So the unsigned tail never exceeds
 *   N - 1 + maxBatch entries, crash or not.
 */
import { performance } from 'node:perf_hooks';
import { sha256Hex } from './canonical.ts';
import { Chain, type ChainHead, type Chained } from './chain.ts';
import { signCheckpoint, type CheckpointEvent, type CheckpointStore, type SignedCheckpoint } from './checkpoint.ts';
import { AuditUnavailableError } from './errors.ts';
import { GroupCommit, type GroupCommitOptions } from './group-commit.ts';
import type { AuditKeys } from './keys.ts';
import { auditMetrics, type AuditMetrics } from './metrics.ts';
import type { AuditSink, TailProblem } from './sink.ts';

/** The subset of pino's interface the log uses. */
export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** Somewhere outside the writer's reach that keeps a copy of each checkpoint. */
export interface Witness extends CheckpointStore {
  readonly name: string;
}

export interface ChainedLogOptions<T extends object> {
  sink: AuditSink;
  /** Identifies this writer's chain (one per gateway instance). */
  instance: string;
  /** Signing keys; without them no checkpoints are written. */
  keys: AuditKeys | null;
  checkpointEvery: number;
  checkpointIntervalMs: number;
  commit: GroupCommitOptions;
  /** Where checkpoints are offered after being stored; a function is asked each time (the region list may change). */
  witnesses?: Witness[] | (() => readonly Witness[]);
  metrics?: AuditMetrics;
  logger?: Logger;
  /** The body of the entry recording a damaged tail found on open. */
  gapEntry: (problem: TailProblem) => T;
  /** Called with each batch once durable (feeds the query index), entries and their lines; errors are logged, not fatal. */
  onDurable?: (entries: Chained<T>[], lines: string[]) => void;
}

type State = 'new' | 'open' | 'failed' | 'closed';

interface Linked<T> {
  entry: Chained<T>;
  line: string;
}

export class ChainedLog<T extends object> {
  readonly #o: ChainedLogOptions<T>;
  readonly #chain = new Chain();
  readonly #commit: GroupCommit<Linked<T>>;
  readonly #metrics: AuditMetrics;
  #state: State = 'new';
  #opening: Promise<void> | null = null;
  #durable: ChainHead = this.#chain.head;
  #checkpointed = 0;
  #checkpointing: Promise<SignedCheckpoint | null> = Promise.resolve(null);
  /** Witness offers, one after another (a witness refuses a count lower than one it holds), apart from the local store so a slow region never holds up a batch. */
  #offering: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;

  constructor(options: ChainedLogOptions<T>) {
    this.#o = options;
    this.#metrics = options.metrics ?? auditMetrics;
    this.#commit = new GroupCommit((batch) => this.#flush(batch), options.commit);
  }

  get instance(): string {
    return this.#o.instance;
  }

  /** False while appends are being refused (for readiness probes). */
  get healthy(): boolean {
    return this.#state === 'open';
  }

  /** The last durable entry's seq and line hash. */
  get durableHead(): ChainHead {
    return { ...this.#durable };
  }

  /** Open the sink now (otherwise the first append does), so start-up fails loudly. */
  async open(): Promise<void> {
    this.#startTimer();
    await this.#ready();
  }

  #startTimer(): void {
    if (!this.#timer && this.#o.keys && this.#o.checkpointIntervalMs > 0) {
      this.#timer = setInterval(() => void this.checkpoint(), this.#o.checkpointIntervalMs);
      this.#timer.unref();
    }
  }

  async append(body: T): Promise<Chained<T>> {
    const started = performance.now();
    try {
      await this.#ready();
      const entry = await this.#appendLinked(body);
      this.#metrics.observeAppendLatency(performance.now() - started);
      return entry;
    } catch (error) {
      throw this.#unavailable(error);
    }
  }

  /** Sign and store a checkpoint of the durable head (no-op when nothing new); a failure is logged and gives null. */
  checkpoint(): Promise<SignedCheckpoint | null> {
    return this.#checkpointNow().catch((error) => {
      this.#log('error', error, 'audit checkpoint could not be stored');
      return null;
    });
  }

  /** Checkpoints are written one at a time, so the checkpoint store never sees counts out of order. Rejects when storing fails. */
  #checkpointNow(event?: CheckpointEvent): Promise<SignedCheckpoint | null> {
    const next = this.#checkpointing.catch(() => null).then(() => this.#writeCheckpoint(event));
    this.#checkpointing = next;
    return next;
  }

  /** Flush what is queued, write the final (`close`) checkpoint, wait for the witnesses, release the sink. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#commit.drain();
    if (this.#state === 'open')
      await this.#checkpointNow('close').catch((error) => this.#log('error', error, 'final audit checkpoint failed'));
    await this.#offering;
    this.#state = 'closed';
    await this.#o.sink.close();
  }

  async #appendLinked(body: T): Promise<Chained<T>> {
    const linked = this.#chain.link(body);
    await this.#commit.submit(linked);
    return linked.entry;
  }

  async #ready(): Promise<void> {
    if (this.#state === 'open') return;
    if (this.#state === 'closed') throw new AuditUnavailableError(`audit log ${this.#o.sink.description} is closed`);
    this.#opening ??= this.#openSink().finally(() => {
      this.#opening = null;
    });
    await this.#opening;
  }

  async #openSink(): Promise<void> {
    const { head, problems } = await this.#o.sink.open();
    await this.#refuseCutLog(head);
    this.#chain.reset(head);
    this.#durable = head;
    this.#state = 'open';
    if (this.#o.keys) {
      // Signed before any new entry: what follows this head was written by the key holder.
      await this.#checkpointNow('open').catch((error) => {
        this.#state = 'failed';
        throw error;
      });
    }
    this.#metrics.unavailable = 0;
    for (const problem of problems) {
      this.#log('error', problem, `audit log tail was damaged; set aside to ${problem.movedTo} and recorded as a gap`);
      await this.#appendLinked(this.#o.gapEntry(problem));
    }
  }

  /** Continuing a log shorter than its last checkpoint would paper over the cut: refuse. */
  async #refuseCutLog(head: ChainHead): Promise<void> {
    const last = await this.#o.sink.lastCheckpoint();
    if (!last || last.instance !== this.#o.instance) return;
    this.#checkpointed = Math.max(this.#checkpointed, last.count);
    const cut = last.count > head.seq;
    const rewritten = last.count === head.seq && last.head !== head.lineHash;
    if (cut || rewritten) {
      throw new Error(
        `audit log ${this.#o.sink.description} has ${head.seq} entries but its last signed checkpoint (${last.at}) covers ${last.count} with head ${last.head.slice(0, 12)}…; ` +
          'the log was cut or rewritten — refusing to continue the chain (run `npm run audit -- verify`)',
      );
    }
  }

  async #flush(batch: Linked<T>[]): Promise<void> {
    try {
      // The unsigned tail may not grow past `checkpointEvery` + one batch: sign first, or refuse the batch.
      if (this.#o.keys && this.#durable.seq - this.#checkpointed >= this.#o.checkpointEvery) await this.#checkpointNow();
      await this.#o.sink.writeBatch(batch.map((l) => l.line));
    } catch (error) {
      this.#state = 'failed'; // queued entries were chained onto lines that never landed
      throw error;
    }
    const last = batch[batch.length - 1];
    this.#durable = { seq: last.entry.seq, lineHash: sha256Hex(last.line) };
    this.#metrics.fsyncBatches++;
    this.#metrics.recordsWritten += batch.length;
    this.#feedIndex(batch);
    if (this.#o.keys && this.#durable.seq - this.#checkpointed >= this.#o.checkpointEvery) void this.checkpoint();
  }

  #feedIndex(batch: Linked<T>[]): void {
    if (!this.#o.onDurable) return;
    try {
      this.#o.onDurable(
        batch.map((l) => l.entry),
        batch.map((l) => l.line),
      );
    } catch (error) {
      this.#log('warn', error, 'audit query index could not take a batch; rebuild it with `npm run audit -- reindex`');
    }
  }

  /** An `open` or `close` checkpoint is written even when the head was already signed: the event itself is what it records. */
  async #writeCheckpoint(event?: CheckpointEvent): Promise<SignedCheckpoint | null> {
    const keys = this.#o.keys;
    const head = this.#durable;
    if (!keys || this.#state !== 'open') return null;
    if (!event && (head.seq === 0 || head.seq <= this.#checkpointed)) return null;
    const policy =
      event === 'open'
        ? { every: this.#o.checkpointEvery, maxBatch: this.#o.commit.maxBatch, seconds: Math.ceil(this.#o.checkpointIntervalMs / 1000) }
        : undefined;
    const checkpoint = signCheckpoint(keys, {
      instance: this.#o.instance,
      count: head.seq,
      head: head.lineHash,
      at: new Date().toISOString(),
      event,
      policy,
    });
    await this.#o.sink.put(checkpoint);
    this.#checkpointed = Math.max(this.#checkpointed, head.seq);
    this.#metrics.checkpoints++;
    // A failure here (e.g. the region list cannot be read) must not stop later offers or close().
    this.#offering = this.#offering
      .then(() => this.#offerToWitnesses(checkpoint))
      .catch((error) => this.#log('warn', error, `audit checkpoint ${checkpoint.count} could not be offered to the witnesses`));
    return checkpoint;
  }

  async #offerToWitnesses(checkpoint: SignedCheckpoint): Promise<void> {
    const listed = this.#o.witnesses ?? [];
    const witnesses = typeof listed === 'function' ? listed() : listed;
    const results = await Promise.allSettled(witnesses.map((w) => w.put(checkpoint)));
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      this.#metrics.witnessFailures++;
      this.#log('warn', result.reason, `audit checkpoint ${checkpoint.count} not accepted by witness ${witnesses[i].name}`);
    });
  }

  #unavailable(error: unknown): AuditUnavailableError {
    this.#metrics.failures++;
    this.#metrics.unavailable = this.#state === 'open' ? 0 : 1;
    const message = (error as Error)?.message ?? String(error);
    this.#o.logger?.error(
      { alert: 'AUDIT_UNAVAILABLE', sink: this.#o.sink.description, err: message },
      'ALERT audit record could not be made durable; the operation is refused (fail closed)',
    );
    return error instanceof AuditUnavailableError
      ? error
      : new AuditUnavailableError(`audit record could not be made durable in ${this.#o.sink.description}: ${message}`, { cause: error });
  }

  #log(level: 'warn' | 'error', detail: unknown, message: string): void {
    const object = detail instanceof Error ? { err: detail.message } : (detail as object);
    this.#o.logger?.[level]({ sink: this.#o.sink.description, ...object }, message);
  }
}
