/**
 * Group commit: many appends, one write + one fsync.
 *
 * Items queue up while a flush is in progress; the next flush takes all of them (up to
 * `maxBatch`) at once, so under load the cost of an fsync is shared by every request
 * that arrived during the previous one, and an idle writer still flushes a lone item
 * after at most `delayMs`. Each submit resolves only when its own flush has completed.
 *
 * A failed flush rejects its batch and everything queued behind it: the queued items
 * were chained onto entries that never became durable, so they cannot be written either.
 */
export interface GroupCommitOptions {
  /** Flush at once when this many items are waiting. */
  maxBatch: number;
  /** How long an idle writer waits for company before flushing (0: next turn of the event loop). */
  delayMs: number;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class GroupCommit<T> {
  readonly #flush: (items: T[]) => Promise<void>;
  readonly #options: GroupCommitOptions;
  #queue: Pending<T>[] = [];
  #running: Promise<void> | null = null;
  #timer: NodeJS.Timeout | NodeJS.Immediate | null = null;

  constructor(flush: (items: T[]) => Promise<void>, options: GroupCommitOptions) {
    this.#flush = flush;
    this.#options = options;
  }

  get pending(): number {
    return this.#queue.length;
  }

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves when everything submitted so far has been flushed (or rejected). */
  async drain(): Promise<void> {
    while (this.#running || this.#timer || this.#queue.length > 0) {
      if (!this.#running) this.#start();
      await this.#running;
    }
  }

  #schedule(): void {
    if (this.#running) return; // the running flush picks the queue up when it ends
    if (this.#queue.length >= this.#options.maxBatch) {
      this.#start();
    } else if (!this.#timer) {
      this.#timer = this.#options.delayMs > 0 ? setTimeout(() => this.#start(), this.#options.delayMs) : setImmediate(() => this.#start());
    }
  }

  #start(): void {
    this.#clearTimer();
    if (this.#running || this.#queue.length === 0) return;
    this.#running = this.#runBatch().finally(() => {
      this.#running = null;
      if (this.#queue.length > 0) this.#start();
    });
  }

  async #runBatch(): Promise<void> {
    const batch = this.#queue.splice(0, this.#options.maxBatch);
    try {
      await this.#flush(batch.map((p) => p.item));
    } catch (error) {
      const failed = [...batch, ...this.#queue.splice(0)];
      for (const p of failed) p.reject(error as Error);
      return;
    }
    for (const p of batch) p.resolve();
  }

  #clearTimer(): void {
    if (!this.#timer) return;
    clearTimeout(this.#timer as NodeJS.Timeout);
    clearImmediate(this.#timer as NodeJS.Immediate);
    this.#timer = null;
  }
}
