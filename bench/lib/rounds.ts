/**
 * Interleaved rounds: every round runs each contender once (in a rotated order, so no
 * contender always runs first on a cooler machine), ratios are computed within a round
 * against the reference contender, and the report keeps the medians. On a shared, noisy
 * 2-core machine that is what makes two numbers comparable.
 */
import { median, runLoad, type LoadResult, type LoadSpec } from './load.ts';

export interface Contender {
  name: string;
  url: string;
  pid?: number;
  headers?: Record<string, string>;
  /** This contender's request body, when it differs from the spec's (e.g. another subgraph shape). */
  body?: string;
  /** Bodies sent in turn instead of one body (many different lookups; LoadSpec.bodies). */
  bodies?: readonly string[];
  /** Headers made fresh for every request (the internal token of a direct subgraph call). */
  perRequestHeaders?: (body: string) => Record<string, string>;
  /** Other processes whose CPU is charged per request too (the regions behind a gateway), by name. */
  charged?: Record<string, number>;
}

export interface RoundsSpec {
  contenders: Contender[];
  reference: string;
  body: string;
  connections: number;
  seconds: number;
  rounds: number;
  warmupSeconds: number;
}

export interface ContenderSummary {
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequestMs: number | null;
  /** Medians over the rounds of each charged process's CPU ms per request (`Contender.charged`). */
  cpuPerRequestMsBy?: Record<string, number | null>;
  errors: number;
  ratioVsReference: number;
  perRound: LoadResult[];
}

export async function runRounds(spec: RoundsSpec, log: (line: string) => void): Promise<Record<string, ContenderSummary>> {
  const load = (c: Contender, seconds: number): Promise<LoadResult> =>
    runLoad({
      url: c.url,
      body: c.body ?? spec.body,
      bodies: c.bodies,
      headers: c.headers,
      perRequestHeaders: c.perRequestHeaders,
      connections: spec.connections,
      seconds,
      pid: c.pid,
      charged: c.charged,
    } satisfies LoadSpec);
  for (const c of spec.contenders) await load(c, spec.warmupSeconds);
  const perRound = new Map<string, LoadResult[]>(spec.contenders.map((c) => [c.name, []]));
  const ratios = new Map<string, number[]>(spec.contenders.map((c) => [c.name, []]));
  for (let round = 0; round < spec.rounds; round++) {
    const order = spec.contenders.map((_, i) => spec.contenders[(i + round) % spec.contenders.length]);
    const results = new Map<string, LoadResult>();
    for (const c of order) {
      const r = await load(c, spec.seconds);
      results.set(c.name, r);
      perRound.get(c.name)!.push(r);
      log(
        `  round ${round + 1} ${c.name.padEnd(28)} ${r.rps.toFixed(1).padStart(8)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors + r.non2xx}`,
      );
    }
    const ref = results.get(spec.reference)!;
    // A reference that completed nothing this round (machine stalled) gives no ratio, not Infinity.
    if (ref.rps > 0) for (const c of spec.contenders) ratios.get(c.name)!.push(results.get(c.name)!.rps / ref.rps);
  }
  const summary: Record<string, ContenderSummary> = {};
  for (const c of spec.contenders) {
    const rs = perRound.get(c.name)!;
    const cpu = rs.map((r) => r.cpuPerRequestMs).filter((v): v is number => v !== null);
    summary[c.name] = {
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      cpuPerRequestMs: cpu.length ? median(cpu) : null,
      ...(c.charged ? { cpuPerRequestMsBy: chargedMedians(Object.keys(c.charged), rs) } : {}),
      errors: rs.reduce((n, r) => n + r.errors + r.non2xx, 0),
      ratioVsReference: ratios.get(c.name)!.length ? median(ratios.get(c.name)!) : NaN,
      perRound: rs,
    };
  }
  return summary;
}

function chargedMedians(names: string[], rs: LoadResult[]): Record<string, number | null> {
  return Object.fromEntries(
    names.map((name) => {
      const values = rs.map((r) => r.cpuPerRequestMsBy?.[name]).filter((v): v is number => typeof v === 'number');
      return [name, values.length ? median(values) : null];
    }),
  );
}
