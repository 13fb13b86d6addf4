/**
 * Circuit breaker for one region.
 *
 * closed → (N consecutive failures) → open → (cool-down elapsed) → half-open: exactly
 * one trial request goes through; its success closes the circuit, its failure opens it
 * again for another cool-down. While open (or while the trial is out) callers are
 * refused at once, so a dead region costs nothing instead of a timeout per query.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  failureThreshold: number;
  cooldownMs: number;
}

/** `trial`: the caller carries the half-open probe and must report how it went. */
export type Permit = 'allowed' | 'trial' | 'refused';

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private opened = false;
  private trialOut = false;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {
    if (!(settings.failureThreshold >= 1)) throw new RangeError(`breaker.failureThreshold must be ≥ 1, got ${settings.failureThreshold}`);
    if (!(settings.cooldownMs >= 0)) throw new RangeError(`breaker.cooldownMs must be ≥ 0, got ${settings.cooldownMs}`);
  }

  get state(): BreakerState {
    if (!this.opened) return 'closed';
    return this.trialOut || this.now() - this.openedAt >= this.settings.cooldownMs ? 'half-open' : 'open';
  }

  /** Milliseconds until an open circuit lets a trial through (0 when not open). */
  retryInMs(): number {
    if (!this.opened) return 0;
    return Math.max(0, this.settings.cooldownMs - (this.now() - this.openedAt));
  }

  permit(): Permit {
    if (!this.opened) return 'allowed';
    if (this.trialOut || this.now() - this.openedAt < this.settings.cooldownMs) return 'refused';
    this.trialOut = true;
    return 'trial';
  }

  succeeded(): void {
    this.failures = 0;
    this.opened = false;
    this.trialOut = false;
  }

  failed(): void {
    this.failures += 1;
    if (this.trialOut || this.failures >= this.settings.failureThreshold) {
      this.opened = true;
      this.openedAt = this.now();
    }
    this.trialOut = false;
  }

  /** The trial request never reached the region (e.g. local queue full): let another try. */
  abandoned(permit: Permit): void {
    if (permit === 'trial') this.trialOut = false;
  }
}
