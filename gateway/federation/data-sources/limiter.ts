/**
 * Concurrency cap with a bounded queue, for one region.
 *
 * Beyond `max` requests in flight, callers wait in FIFO order; beyond `maxQueue` waiting
 * callers, new ones are refused at once (a region that cannot keep up must not build an
 * unbounded backlog in the gateway). A waiting caller leaves the queue when its signal
 * aborts (its region timeout covers the wait).
 */

export class QueueFullError extends Error {
  constructor(
    readonly inFlight: number,
    readonly waiting: number,
  ) {
    super(`${inFlight} requests in flight and ${waiting} waiting (the queue is full)`);
    this.name = 'QueueFullError';
  }
}

type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
}

export class ConcurrencyLimiter {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    readonly max: number,
    readonly maxQueue: number,
  ) {
    if (!(max >= 1)) throw new RangeError(`maxConcurrency must be ≥ 1, got ${max}`);
    if (!(maxQueue >= 0)) throw new RangeError(`maxQueue must be ≥ 0, got ${maxQueue}`);
  }

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with the function that frees the slot; call it exactly once. */
  acquire(signal: AbortSignal): Promise<Release> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.active < this.max) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.maxQueue) return Promise.reject(new QueueFullError(this.active, this.queue.length));
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // The slot passes straight to the next waiter, so `active` stays the same.
      if (next) next.grant(this.releaser());
      else this.active -= 1;
    };
  }
}
