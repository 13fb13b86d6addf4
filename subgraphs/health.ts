/**
 * `GET /healthz`: the adapter's own health check, bounded in time.
 *
 * Not behind the request guard: orchestrators and the gateway's registry poll it
 * without credentials, and it discloses no data — only whether the region answers.
 */
import type { RegionAdapter } from '../adapters/adapter.ts';

export const HEALTH_TIMEOUT_MS = 5000;

export interface HealthReply {
  status: 200 | 503;
  body: { status: 'ok' | 'unavailable'; region: string; detail: string; latencyMs: number };
}

export async function checkHealth(adapter: RegionAdapter, timeoutMs = HEALTH_TIMEOUT_MS): Promise<HealthReply> {
  const region = adapter.region.code;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`health check did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const health = await Promise.race([adapter.health(), timeout]);
    const body = { status: health.ok ? 'ok' as const : 'unavailable' as const, region, detail: health.detail, latencyMs: health.latencyMs };
    return { status: health.ok ? 200 : 503, body };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    return { status: 503, body: { status: 'unavailable', region, detail: (error as Error).message, latencyMs } };
  } finally {
    clearTimeout(timer);
  }
}
