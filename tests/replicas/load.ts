/**
 * A client load through the load balancer: `clients` loops, each sending one query after
 * another as a rotating set of officers (so that no officer outruns the per-officer rate
 * limit), until stopped. Every answer is tallied: a failure is anything but HTTP 200
 * with data and no errors; every success's auditId is kept.
 */
import type { GraphQLResponse, Officer } from '../support/system.ts';

export interface LoadTally {
  requests: number;
  failures: Array<{ status: number; error: string }>;
  auditIds: string[];
}

export interface Load {
  stop(): Promise<LoadTally>;
}

export function startLoad(options: {
  clients: number;
  officers: number;
  /** Below the per-officer rate limit (default 3/s), so the load is never refused for its own pace. */
  perOfficerPerSecond?: number;
  ask: (as: Officer, index: number) => Promise<GraphQLResponse>;
}): Load {
  const tally: LoadTally = { requests: 0, failures: [], auditIds: [] };
  let running = true;
  let next = 0;
  // Rotating officers is not enough on a fast machine: 60 officers at 350 req/s is 6/s
  // each, over a 5/s limit. Each officer is paced to `perOfficerPerSecond` whatever the speed.
  const gapMs = 1000 / (options.perOfficerPerSecond ?? 3);
  const lastAt = new Map<number, number>();
  const loop = async () => {
    while (running) {
      const index = next++;
      const slot = index % options.officers;
      const wait = (lastAt.get(slot) ?? -Infinity) + gapMs - Date.now();
      lastAt.set(slot, Date.now() + Math.max(0, wait));
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (!running) break;
      const officer: Officer = { roles: ['investigator'], sub: `LOAD-${slot}` };
      tally.requests++;
      try {
        const answer = await options.ask(officer, index);
        if (answer.status === 200 && answer.data && !answer.errors) tally.auditIds.push(String(answer.extensions?.auditId));
        else tally.failures.push({ status: answer.status, error: JSON.stringify(answer.errors ?? answer).slice(0, 300) });
      } catch (error) {
        tally.failures.push({ status: 0, error: (error as Error).message });
      }
    }
  };
  const loops = Array.from({ length: options.clients }, loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return tally;
    },
  };
}
