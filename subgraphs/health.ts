/**
 * `GET /healthz`: the adapter's own health check, bounded in time.
 *
 * Not behind the request guard: orchestrators and the gateway's registry poll it
 * without credentials, and it discloses no data — only whether the region answers and,
 * when it does not, a stable reason. The adapter's own `detail` names database paths,
 * upstream addresses and file names ("JS database /srv/js/js.db cannot be queried"),
 * which an unauthenticated caller has no business learning; it goes to the log only.
 *
 * A healthy region with a write side also says how many assistance requests it holds
 * open and overdue (two numbers, no request in them): the gateway's registry probes this
 * answer anyway and exports the counts on its /metrics (gateway/registry/assistance-metrics.ts).
 */
import type { RegionAdapter } from '../adapters/adapter.ts';
import { countAssistance, type AssistanceCounts } from './assistance/counts.ts';
import type { Logger } from './logger.ts';

export const HEALTH_TIMEOUT_MS = 5000;

/** Why a region is unavailable: its adapter said so, did not answer in time, or threw. */
export type HealthReason = 'unhealthy' | 'timeout' | 'error';

export interface HealthReply {
  status: 200 | 503;
  body: { status: 'ok' | 'unavailable'; region: string; latencyMs: number; reason?: HealthReason; assistance?: AssistanceCounts };
}

class HealthTimeout extends Error {}

export async function checkHealth(adapter: RegionAdapter, logger: Logger, timeoutMs = HEALTH_TIMEOUT_MS): Promise<HealthReply> {
  const region = adapter.region.code;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthTimeout(`health check did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const health = await Promise.race([adapter.health(), timeout]);
    if (health.ok) {
      const assistance = adapter.assistance && (await Promise.race([countedOrNull(adapter, logger), timeout]));
      return { status: 200, body: { status: 'ok', region, latencyMs: health.latencyMs, ...(assistance ? { assistance } : {}) } };
    }
    logger.warn({ region, reason: 'unhealthy', detail: health.detail }, 'health check: region unavailable');
    return { status: 503, body: { status: 'unavailable', region, latencyMs: health.latencyMs, reason: 'unhealthy' } };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const reason: HealthReason = error instanceof HealthTimeout ? 'timeout' : 'error';
    logger.warn({ region, reason, detail: (error as Error).message }, 'health check: region unavailable');
    return { status: 503, body: { status: 'unavailable', region, latencyMs, reason } };
  } finally {
    clearTimeout(timer);
  }
}

/** The counts are extra: a region whose inbox cannot be read now is still up for reads; the counts are left out. */
async function countedOrNull(adapter: RegionAdapter, logger: Logger): Promise<AssistanceCounts | null> {
  try {
    return await countAssistance(adapter.assistance!);
  } catch (error) {
    logger.warn(
      { region: adapter.region.code, detail: (error as Error).message },
      'health check: assistance requests could not be counted',
    );
    return null;
  }
}
