import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './breaker.ts';

describe('CircuitBreaker', () => {
  const clock = () => {
    let now = 1000;
    return {
      now: () => now,
      advance: (ms: number) => {
        now += ms;
      },
    };
  };

  it('opens after N consecutive failures and refuses at once', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 500 }, time.now);
    breaker.failed();
    breaker.failed();
    expect(breaker.permit()).toBe('allowed');
    breaker.failed();
    expect(breaker.state).toBe('open');
    expect(breaker.permit()).toBe('refused');
  });

  it('a success resets the count of consecutive failures', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 500 });
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    expect(breaker.state).toBe('closed');
  });

  it('lets exactly one trial through after the cool-down; its success closes the circuit', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 500 }, time.now);
    breaker.failed();
    time.advance(500);
    expect(breaker.state).toBe('half-open');
    expect(breaker.permit()).toBe('trial');
    expect(breaker.permit()).toBe('refused');
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
    expect(breaker.permit()).toBe('allowed');
  });

  it('a failed trial opens the circuit for another cool-down', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 500 }, time.now);
    for (let i = 0; i < 5; i++) breaker.failed();
    time.advance(600);
    expect(breaker.permit()).toBe('trial');
    breaker.failed();
    expect(breaker.state).toBe('open');
    time.advance(499);
    expect(breaker.permit()).toBe('refused');
    time.advance(1);
    expect(breaker.permit()).toBe('trial');
  });

  it('an abandoned trial lets the next caller try', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 0 }, time.now);
    breaker.failed();
    const permit = breaker.permit();
    breaker.abandoned(permit);
    expect(breaker.permit()).toBe('trial');
  });

  it('refuses nonsensical settings', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, cooldownMs: 1 })).toThrow(/failureThreshold must be ≥ 1, got 0/);
  });
});
