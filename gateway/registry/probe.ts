/**
 * Health probes: GET `<region url>/healthz` within the region's timeout.
 *
 * Used by /readyz and the `regions` root field. Probes of all regions run in parallel,
 * and callers arriving while a probe round is in flight (or within `maxAgeMs` of the
 * last one) share its result, so a burst of readiness checks cannot hammer the regions.
 */
import { FAILURE_TEXT, failureReason } from '../federation/data-sources/failure-reason.ts';
import type { Region } from './regions-file.ts';
import type { AssistanceCounts, RegionHealth, RegionStatusBoard } from './status.ts';

export interface ProbeResult extends RegionHealth {
  /** What a healthy region with a write side counted (subgraphs/health.ts); null otherwise. */
  assistance: AssistanceCounts | null;
}

export async function probeRegion(region: Region): Promise<ProbeResult> {
  const started = performance.now();
  const checkedAt = new Date().toISOString();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(`${region.url}/healthz`, { signal: AbortSignal.timeout(region.timeoutMs) });
    const assistance = response.ok ? countsIn(await response.text()) : null;
    if (!response.ok) await response.body?.cancel();
    const state = response.ok ? 'up' : 'down';
    return { state, latencyMs: elapsed(), checkedAt, detail: `healthz answered HTTP ${response.status}`, assistance };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    // /readyz shows this detail without a token: a stable reason, never the address.
    const detail = timedOut ? `no answer within ${region.timeoutMs} ms` : `unreachable (${FAILURE_TEXT[failureReason(error)]})`;
    return { state: 'down', latencyMs: elapsed(), checkedAt, detail, assistance: null };
  }
}

/** The counts of a healthz body, when it has two whole non-negative numbers; anything else counts as none. */
function countsIn(body: string): AssistanceCounts | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const counts = (parsed as { assistance?: unknown } | null)?.assistance as Record<string, unknown> | undefined;
  const whole = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  return counts && whole(counts.open) && whole(counts.overdue) ? { open: counts.open, overdue: counts.overdue } : null;
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
        const { assistance, ...health } = await probeRegion(region);
        this.board.set(region.code, health);
        this.board.setAssistance(region.code, assistance);
      }),
    );
  }
}
