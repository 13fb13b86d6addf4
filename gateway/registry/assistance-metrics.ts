/**
 * `liandong_assistance_open` / `liandong_assistance_overdue{region}`: the assistance
 * requests each receiving region holds open and overdue, read at scrape time from the
 * regions' own health answers (subgraphs/health.ts), so every gateway replica reports the
 * same numbers — the regions' — whatever passed through it.
 */
import { Gauge, Registry } from 'prom-client';
import type { RegionRegistry } from './registry.ts';

export function assistanceMetrics(regions: Pick<RegionRegistry, 'assistanceCounts'>): Registry {
  const registry = new Registry();
  // One probe round serves both gauges of a scrape (the prober shares a round within its second).
  new Gauge({
    name: 'liandong_assistance_open',
    help: 'Assistance requests (協查) the receiving region holds not yet answered or declined, as the region counts them; absent for a region that is down.',
    labelNames: ['region'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await regions.assistanceCounts()) this.set({ region: r.region }, r.open);
    },
  });
  new Gauge({
    name: 'liandong_assistance_overdue',
    help: 'Open assistance requests past their deadline, by receiving region, as the region counts them; absent for a region that is down.',
    labelNames: ['region'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await regions.assistanceCounts()) this.set({ region: r.region }, r.overdue);
    },
  });
  return registry;
}
