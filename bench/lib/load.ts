/**
 * One load tool for every contender: autocannon, driven in-process, closed-loop with a
 * fixed number of connections for a fixed duration. Bounded in time, loopback only.
 */
import autocannon from 'autocannon';
import { cpuSeconds } from './processes.ts';

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  cpuPerRequestMs: number | null;
  /** CPU ms per request of each other process charged (`LoadSpec.charged`), by its name. */
  cpuPerRequestMsBy?: Record<string, number | null>;
}

export interface LoadSpec {
  url: string;
  body: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** Gateway process whose CPU time is charged to the requests. */
  pid?: number;
  /** Headers made fresh for every request (single-use tokens), from its body. */
  perRequestHeaders?: (body: string) => Record<string, string>;
  /** Other processes whose CPU time is charged to the requests too (the regions behind a gateway), by name. */
  charged?: Record<string, number>;
  /** Bodies sent in turn, one per request, instead of `body` every time (many different lookups). */
  bodies?: readonly string[];
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(spec.url)) {
    throw new Error(`benchmark load may only target loopback, got ${spec.url}`);
  }
  // autocannon runs whole seconds (0.5 runs for 1 s): a fraction would make req/s wrong.
  if (!Number.isInteger(spec.seconds) || spec.seconds < 1)
    throw new RangeError(`load duration ${spec.seconds} s: expected a whole number of seconds, at least 1`);
  if (spec.bodies && spec.perRequestHeaders)
    throw new Error('load spec: bodies and perRequestHeaders together are not supported; expected one or the other');
  const cpuBefore = spec.pid ? cpuSeconds(spec.pid) : 0;
  const chargedBefore = Object.entries(spec.charged ?? {}).map(([name, pid]) => [name, pid, cpuSeconds(pid)] as const);
  const result = await autocannon({
    url: spec.url,
    method: 'POST',
    body: spec.body,
    headers: { 'content-type': 'application/json', ...spec.headers },
    connections: spec.connections,
    duration: spec.seconds,
    ...(spec.bodies ? { requests: [{ setupRequest: inTurn(spec.bodies) }] } : {}),
    ...(spec.perRequestHeaders ? { requests: [{ setupRequest: fresh(spec.perRequestHeaders, spec.body) }] } : {}),
  });
  const cpuAfter = spec.pid ? cpuSeconds(spec.pid) : 0;
  const requests = result.requests.total;
  const cpuPerRequestMsBy = spec.charged
    ? Object.fromEntries(
        chargedBefore.map(([name, pid, before]) => [name, requests ? ((cpuSeconds(pid) - before) * 1000) / requests : null]),
      )
    : undefined;
  return {
    requests,
    rps: requests / spec.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    cpuPerRequestMs: spec.pid && requests ? ((cpuAfter - cpuBefore) * 1000) / requests : null,
    ...(cpuPerRequestMsBy ? { cpuPerRequestMsBy } : {}),
  };
}

/** Each request the next of `bodies`, over all connections (so the sample is covered evenly). */
function inTurn(bodies: readonly string[]) {
  if (bodies.length === 0) throw new RangeError('load bodies: expected at least one request body, got none');
  let next = 0;
  return (request: { body?: string }) => ({ ...request, body: bodies[next++ % bodies.length] });
}

function fresh(make: (body: string) => Record<string, string>, body: string) {
  return (request: { headers?: Record<string, string>; body?: string }) => ({ ...request, headers: { ...request.headers, ...make(body) } });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
