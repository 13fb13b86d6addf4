/**
 * The membership filters' Prometheus metrics, on a registry of their own (merged into
 * /metrics like the cache's).
 */
import { Counter, Gauge, Registry } from 'prom-client';

export class FilterMetrics {
  readonly registry = new Registry();
  readonly skips = new Counter({
    name: 'liandong_filter_skips_total',
    help: 'Region requests not sent because the region’s membership filter ruled the key out, by region.',
    labelNames: ['region'],
    registers: [this.registry],
  });
  readonly falsePositives = new Counter({
    name: 'liandong_filter_false_positives_total',
    help: 'Keyed root lookups sent to a region on its filter’s "maybe" that the region answered with nothing, by region.',
    labelNames: ['region'],
    registers: [this.registry],
  });
  readonly fetches = new Counter({
    name: 'liandong_filter_fetches_total',
    help: 'Fetches of a region’s filter: ok, or why it was not used (unavailable, not-ready, unverifiable, behind-stream, no-key).',
    labelNames: ['region', 'outcome'],
    registers: [this.registry],
  });

  /** `trusted(region)` and `bytes(region)` are read at scrape time. */
  constructor(view: () => Iterable<{ region: string; trusted: boolean; bytes: number; keys: number }>) {
    const registers = [this.registry];
    new Gauge({
      name: 'liandong_filter_trusted',
      help: 'Whether the region’s filter is trusted now (1) or the region is asked for every key (0).',
      labelNames: ['region'],
      registers,
      collect() {
        this.reset();
        for (const r of view()) this.set({ region: r.region }, r.trusted ? 1 : 0);
      },
    });
    new Gauge({
      name: 'liandong_filter_bytes',
      help: 'Size of the gateway’s copy of each region’s filter.',
      labelNames: ['region'],
      registers,
      collect() {
        this.reset();
        for (const r of view()) this.set({ region: r.region }, r.bytes);
      },
    });
    new Gauge({
      name: 'liandong_filter_keys',
      help: 'Keys in the gateway’s copy of each region’s filter (as built, plus changes seen since).',
      labelNames: ['region'],
      registers,
      collect() {
        this.reset();
        for (const r of view()) this.set({ region: r.region }, r.keys);
      },
    });
  }
}
