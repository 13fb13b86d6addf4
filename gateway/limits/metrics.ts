/**
 * The limits' Prometheus metrics, on a registry of their own (like the cache's) so
 * several gateways in one test process do not collide.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export class LimitsMetrics {
  readonly registry = new Registry();
  /** Decisions taken by the per-process counts because the shared (Redis) ones could not be asked. */
  readonly fallbacks = new Counter({
    name: 'liandong_limits_fallbacks_total',
    help: 'Rate-limit and bulk-lookup decisions taken by this replica alone because Redis was down or slow, by limit (rate, bulk).',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly sharedUp = new Gauge({
    name: 'liandong_limits_shared_up',
    help: '1 while the shared (Redis) rate limits and bulk-lookup counts answer; 0 while this replica counts alone; absent with limits.store "memory".',
    registers: [],
  });

  /** The gauge exists only where there is a shared store to be up or down. */
  shared(): void {
    this.registry.registerMetric(this.sharedUp);
    this.sharedUp.set(0);
  }
}
