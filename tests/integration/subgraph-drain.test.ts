/**
 * Stopping a region under load, over real processes: the gateway and the three regional
 * subgraphs, the gateway calling the subgraphs directly (no proxy between them, so it is
 * the gateway's own keep-alive connections that the stopping subgraph closes). A bounded
 * stream of cross-region lookups runs while the JS subgraph gets SIGTERM. Nothing fails
 * but REGION_UNAVAILABLE for JS because it is gone (its port refused or its breaker
 * open): no request cut off by the stop (a reset), the subgraph drains and exits 0, and
 * the other regions keep answering.
 */
import { describe, expect, it, vi } from 'vitest';
import { seededSystem, type GraphQLResponse } from '../support/system.ts';

const seeded = seededSystem({ direct: true, gatewayConfig: { cache: { enabled: false } } });

const PERSON = `query Person($id: String!) {
  person(idNumber: $id) { idNumber regions records { id region } }
}`;

const CLIENTS = 4;
/** Answers before the stop, and after the region is gone. */
const EACH_SIDE = 40;
/** The stream's hard bound, whatever happens. */
const MAX_REQUESTS = 2000;

interface Answered {
  sentAt: number;
  answeredAt: number;
  response: GraphQLResponse;
}

describe('a region stopped under a stream of requests', () => {
  it('drains: nothing but REGION_UNAVAILABLE (refused or circuit open) for JS, and only once it is gone', async () => {
    const { system } = seeded;
    const { idNumber } = system.scenarios.personInAllRegions;
    const answered: Answered[] = [];
    let phase: 'before' | 'stopping' | 'gone' = 'before';
    let goneAt = Number.POSITIVE_INFINITY;
    let sent = 0;
    const client = async () => {
      while (sent < MAX_REQUESTS) {
        if (phase === 'gone' && answered.filter((a) => a.sentAt >= goneAt).length >= EACH_SIDE) return;
        sent++;
        const sentAt = Date.now();
        const response = await system.query(PERSON, { id: idNumber });
        answered.push({ sentAt, answeredAt: Date.now(), response });
      }
    };
    const clients = Array.from({ length: CLIENTS }, client);
    await vi.waitFor(() => expect(answered.length).toBeGreaterThanOrEqual(EACH_SIDE), { timeout: 60_000, interval: 20 });

    const js = system.regions.JS.current()!;
    const stopAt = Date.now();
    phase = 'stopping';
    await system.regions.JS.stop();
    goneAt = Date.now();
    phase = 'gone';
    await Promise.all(clients);

    // Drained within its grace, not killed: it exited by itself with 0.
    expect({ exitCode: js.child.exitCode, signal: js.child.signalCode }).toEqual({ exitCode: 0, signal: null });
    expect(answered.every((a) => a.response.status === 200)).toBe(true);
    const errors = answered.flatMap((a) => a.response.errors ?? []);
    expect(
      errors.filter(
        (e) =>
          !(
            e.extensions?.code === 'REGION_UNAVAILABLE' &&
            e.extensions.region === 'JS' &&
            ['refused', 'circuit-open'].includes(e.extensions.reason)
          ),
      ),
    ).toEqual([]);
    // Before the stop every region answered; once JS is gone, the others still do.
    expect(answered.filter((a) => a.answeredAt < stopAt).every((a) => a.response.errors === undefined)).toBe(true);
    const afterwards = answered.filter((a) => a.sentAt >= goneAt);
    expect(afterwards.length).toBeGreaterThanOrEqual(EACH_SIDE);
    for (const { response } of afterwards) {
      expect(response.errors?.map((e) => e.extensions?.region)).toEqual(['JS']);
      expect(response.data.person.regions).toEqual(['GZ', 'HB']);
    }
  });
});
