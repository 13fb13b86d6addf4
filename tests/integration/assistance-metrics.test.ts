/**
 * Open and overdue assistance requests on the gateway's /metrics, counted by the receiving
 * regions from their own systems (issue #14), over real processes.
 *
 * A request whose deadline has already passed is written straight into GZ's legacy service
 * (through GZ's own adapter, as a request made hours ago): it never passed through the
 * gateway, and the gateway's gauges count it all the same, because they come from GZ.
 */
import { describe, expect, it } from 'vitest';
import { loadAdapter } from '../../adapters/load.ts';
import { metricSample } from '../support/metrics.ts';
import { seededSystem } from '../support/system.ts';

const seeded = seededSystem();

const gauge = (name: string, region: string) => metricSample(seeded.system.gatewayUrl, name, { region });

/** Polls until the gauges show `want` (the gateway probes the regions at most once a second); bounded. */
async function countsBecome(region: string, want: { open: number; overdue: number }): Promise<void> {
  const until = Date.now() + 15_000;
  let seen: { open: number | null; overdue: number | null } = { open: null, overdue: null };
  while (Date.now() < until) {
    seen = { open: await gauge('liandong_assistance_open', region), overdue: await gauge('liandong_assistance_overdue', region) };
    if (seen.open === want.open && seen.overdue === want.overdue) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(seen).toEqual(want);
}

describe('assistance requests on /metrics', () => {
  it('exports each region’s open and overdue requests as the region counts them, an overdue one included', async () => {
    const { system } = seeded;
    const before = {
      open: (await gauge('liandong_assistance_open', 'GZ')) ?? Number.NaN,
      overdue: (await gauge('liandong_assistance_overdue', 'GZ')) ?? Number.NaN,
    };
    // Every region with a write side reports, from the first scrape.
    for (const region of ['JS', 'GZ', 'HB']) expect(await gauge('liandong_assistance_open', region)).not.toBeNull();
    expect(before.overdue).toBeLessThanOrEqual(before.open);

    const gz = await loadAdapter('GZ', { dataDir: seeded.dataDir, settings: { serviceUrl: system.standins.GZ.url } });
    try {
      const hour = 3_600_000;
      const made = await gz.assistance!.submit({
        idempotencyKey: `metrics-${process.pid}-overdue`,
        caseRef: system.scenarios.crossRegionCase.caseId,
        fromRegion: 'JS',
        requestedBy: system.scenarios.crossRegionCase.officers[0]!,
        subjects: [system.scenarios.crossRegionCase.suspectIdNumber],
        ask: ['PERSON_RECORDS'],
        urgency: 'URGENT',
        note: null,
        requestedAt: new Date(Date.now() - 3 * hour).toISOString(),
        deadline: new Date(Date.now() - 2 * hour).toISOString(),
      });
      expect(made.created).toBe(true);
      await countsBecome('GZ', { open: before.open + 1, overdue: before.overdue + 1 });

      // Declined, it is neither open nor overdue any more.
      await gz.assistance!.step!(made.request.id, {
        status: 'DECLINED',
        by: 'GZ-0200001',
        at: new Date().toISOString(),
        reason: '超出協查範圍',
      });
      await countsBecome('GZ', before);
    } finally {
      await gz.close();
    }
  });

  it('leaves a region that is down out of the gauges rather than reporting a stale count', async () => {
    const { system } = seeded;
    await system.regions.HB.stop();
    try {
      const until = Date.now() + 15_000;
      while (Date.now() < until && (await gauge('liandong_assistance_open', 'HB')) !== null) await new Promise((r) => setTimeout(r, 250));
      expect(await gauge('liandong_assistance_open', 'HB')).toBeNull();
      expect(await gauge('liandong_assistance_open', 'GZ')).not.toBeNull();
    } finally {
      await system.regions.HB.start();
    }
  });
});
