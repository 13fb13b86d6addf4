/**
 * Health probes: GET `<region url>/healthz` within the region's timeout.
 *
 * Used by /readyz and the `regions` root field. Probes of all regions run in parallel,
 * and callers arriving while a probe round is in flight (or within `maxAgeMs` of the
 * last one) share its result, so a burst of readiness checks cannot hammer the regions.
 */
import { FAILURE_TEXT, failureReason } from '../federation/data-sources/failure-reason.ts';
import type { Region } from './regions-file.ts';
import type { RegionHealth, RegionStatusBoard } from './status.ts';

export async function probeRegion(region: Region): Promise<RegionHealth> {
  const started = performance.now();
  const checkedAt = new Date().toISOString();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(`${region.url}/healthz`, { signal: AbortSignal.timeout(region.timeoutMs) });
    await response.body?.cancel();
    const state = response.ok ? 'up' : 'down';
    return { state, latencyMs: elapsed(), checkedAt, detail: `healthz answered HTTP ${response.status}` };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    // /readyz shows this detail without a token: a stable reason, never the address.
    const detail = timedOut ? `no answer within ${region.timeoutMs} ms` : `unreachable (${FAILURE_TEXT[failureReason(error)]})`;
    return { state: 'down', latencyMs: elapsed(), checkedAt, detail };
  }
}

export class RegionProber {
  private inFlight: Promise<void> | null = null;
  private lastRound = 0;

  constructor(
    private readonly regions: () => readonly Region[],
    private readonly board: RegionStatusBoard,
    private readonly maxAgeMs = 1000,
  ) {}

  /** Probes every region (or reuses a fresh round) and records the results on the board. */
  probeAll(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (Date.now() - this.lastRound < this.maxAgeMs) return Promise.resolve();
    this.inFlight = this.round().finally(() => {
      this.lastRound = Date.now();
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async round(): Promise<void> {
    await Promise.all(
      this.regions().map(async (region) => {
        this.board.set(region.code, await probeRegion(region));
      }),
    );
  }
}
