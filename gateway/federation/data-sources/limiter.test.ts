import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter, QueueFullError } from './limiter.ts';

describe('ConcurrencyLimiter', () => {
  it('queues beyond the cap in FIFO order and hands the slot over on release', async () => {
    const limiter = new ConcurrencyLimiter(1, 5);
    const signal = new AbortController().signal;
    const order: string[] = [];
    const first = await limiter.acquire(signal);
    const second = limiter.acquire(signal).then((release) => {
      order.push('second');
      return release;
    });
    const third = limiter.acquire(signal).then((release) => {
      order.push('third');
      return release;
    });
    expect(limiter.waiting).toBe(2);
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect(limiter.inFlight).toBe(0);
  });

  it('refuses at once when the queue is full', async () => {
    const limiter = new ConcurrencyLimiter(1, 1);
    const signal = new AbortController().signal;
    await limiter.acquire(signal);
    void limiter.acquire(signal);
    await expect(limiter.acquire(signal)).rejects.toBeInstanceOf(QueueFullError);
  });

  it('a waiter whose signal aborts leaves the queue', async () => {
    const limiter = new ConcurrencyLimiter(1, 5);
    const release = await limiter.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('timed out'));
    await expect(waiting).rejects.toThrow('timed out');
    expect(limiter.waiting).toBe(0);
    release();
    expect(limiter.inFlight).toBe(0);
  });

  it('releasing twice frees one slot only', async () => {
    const limiter = new ConcurrencyLimiter(2, 0);
    const release = await limiter.acquire(new AbortController().signal);
    await limiter.acquire(new AbortController().signal);
    release();
    release();
    expect(limiter.inFlight).toBe(1);
  });
});
