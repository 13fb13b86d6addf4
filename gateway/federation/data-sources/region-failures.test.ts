/**
 * A slow, dead or failing region never fails the whole query: the others' data comes
 * back with a REGION_UNAVAILABLE error, within the region's timeout, and the breaker
 * stops asking a failing region until a trial succeeds.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RegionOutcome, RequestReport } from '../../context.ts';
import { GZ_DATA, HB_DATA, JS_DATA, P1 } from './fixtures/fixture-data.ts';
import { startGateway } from './fixtures/gateway-harness.ts';
import type { RegionFailureLog } from './region-client.ts';
import { fixtureDirectory, startFixtureRegion, type FixtureRegion } from './fixtures/fixture-regions.ts';

const TIMEOUT_MS = 400;
const COOLDOWN_MS = 300;

let js: FixtureRegion, gz: FixtureRegion, hb: FixtureRegion;
let gateway: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  [js, gz, hb] = await Promise.all([
    startFixtureRegion('JS', JS_DATA),
    startFixtureRegion('GZ', GZ_DATA),
    startFixtureRegion('HB', HB_DATA),
  ]);
  // A breaker that stays closed here, so the tests do not depend on each other's failures.
  const breaker = { failureThreshold: 1000, cooldownMs: COOLDOWN_MS };
  gateway = await startGateway({
    registry: fixtureDirectory([js, gz, hb].map((r) => r.entry({ timeoutMs: TIMEOUT_MS, breaker }))),
  });
  // Warm every region once: a cold first answer (module compilation on a loaded machine)
  // could itself exceed the short timeout these tests rely on for the hanging region only.
  for (let attempt = 0; attempt < 5; attempt++) {
    const { errors } = await gateway.query(QUERY);
    if (!errors) break;
  }
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([js, gz, hb].map((r) => r?.stop()));
});

beforeEach(() =>
  [js, gz, hb].forEach((r) => {
    r.mode = 'normal';
    r.resetCounts();
  }),
);

const QUERY = `{ person(idNumber: "${P1}") { regions records { id } } }`;
const indexOutcome = (report: RequestReport, code: string): RegionOutcome =>
  report.regions.find((o) => o.subgraph === 'index' && o.region === code)!;

describe('partial failure', () => {
  it('a region that hangs costs its timeout only: partial data and REGION_UNAVAILABLE', async () => {
    gz.mode = 'hang';
    const { data, errors, report } = await gateway.query(QUERY);
    expect(data!.person).toEqual({ regions: ['JS', 'HB'], records: [{ id: 'JS:P-1' }, { id: 'HB:P-4' }] });
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions).toMatchObject({ code: 'REGION_UNAVAILABLE', region: 'GZ', status: 'timeout' });
    const outcome = indexOutcome(report, 'GZ');
    expect(outcome.status).toBe('timeout');
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(outcome.latencyMs).toBeLessThan(TIMEOUT_MS * 5);
  });

  it('a region that timed out is not waited for again in later fetches of the same request', async () => {
    gz.mode = 'hang';
    // index (person) → records (vehicle registrations) → index again (the vehicles).
    const { data, report } = await gateway.query(`{ person(idNumber: "${P1}") { regions vehicles { colour vehicle { regions } } } }`);
    expect((data!.person as { regions: string[] }).regions).toEqual(['JS', 'HB']);
    const gzIndex = report.regions.filter((o) => o.subgraph === 'index' && o.region === 'GZ');
    expect(gzIndex.map((o) => o.status)).toEqual(['timeout', 'timeout']);
    expect(gzIndex[1].message).toMatch(/timed out earlier in this request/);
    expect(gz.counts.index).toBe(1);
  });

  it('a region answering HTTP 500 without a GraphQL body is an error, not an answer', async () => {
    hb.mode = 'fail';
    const { data, errors, report } = await gateway.query(QUERY);
    expect((data!.person as { regions: string[] }).regions).toEqual(['JS', 'GZ']);
    expect(errors![0].extensions).toMatchObject({ code: 'REGION_UNAVAILABLE', region: 'HB', status: 'error', reason: 'bad-response' });
    expect(indexOutcome(report, 'HB').message).toBe('it answered HTTP 500 with something other than a GraphQL response');
    expect(errors![0].message).not.toContain(new URL(hb.entry().endpoints.index).host);
  });

  it('asks a read once more when the region closed the connection under it without answering', async () => {
    gz.mode = 'reset-once';
    const { data, errors, report } = await gateway.query(QUERY);
    expect(errors).toBeUndefined();
    expect((data!.person as { regions: string[] }).regions).toEqual(['JS', 'GZ', 'HB']);
    expect(gz.counts.index).toBe(2);
    expect(indexOutcome(report, 'GZ').status).toBe('hit');
  });

  it('asks only once more: a region that keeps closing the connection is REGION_UNAVAILABLE, reason reset', async () => {
    gz.mode = 'reset';
    const { data, errors } = await gateway.query(QUERY);
    expect((data!.person as { regions: string[] }).regions).toEqual(['JS', 'HB']);
    expect(errors![0].extensions).toMatchObject({ code: 'REGION_UNAVAILABLE', region: 'GZ', status: 'error', reason: 'reset' });
    expect(gz.counts.index).toBe(2);
  });

  it('opens the breaker after repeated failures, answers at once while open, and recovers after the cool-down', async () => {
    const breaker = { failureThreshold: 2, cooldownMs: COOLDOWN_MS };
    const own = await startGateway({ registry: fixtureDirectory([js, gz, hb].map((r) => r.entry({ timeoutMs: TIMEOUT_MS, breaker }))) });
    try {
      hb.mode = 'fail';
      for (let i = 0; i < 2; i++) expect(indexOutcome((await own.query(QUERY)).report, 'HB').status).toBe('error');
      const failedRequests = hb.counts.index;

      const open = await own.query(QUERY);
      expect(indexOutcome(open.report, 'HB').status).toBe('circuit-open');
      expect(open.errors![0].extensions).toMatchObject({ code: 'REGION_UNAVAILABLE', region: 'HB', status: 'circuit-open' });
      expect((open.data!.person as { regions: string[] }).regions).toEqual(['JS', 'GZ']);
      expect(hb.counts.index).toBe(failedRequests); // refused without a request

      hb.mode = 'normal';
      let status = 'circuit-open';
      for (let attempt = 0; attempt < 100 && status === 'circuit-open'; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        status = indexOutcome((await own.query(QUERY)).report, 'HB').status;
      }
      expect(status).toBe('hit');
      const after = await own.query(QUERY);
      expect(after.errors).toBeUndefined();
      expect((after.data!.person as { regions: string[] }).regions).toEqual(['JS', 'GZ', 'HB']);
    } finally {
      await own.stop();
    }
  });

  it("a dead region (connection refused) yields the others' data and REGION_UNAVAILABLE naming the region, not its address", async () => {
    const dead = await startFixtureRegion('XX', {});
    await dead.stop();
    const logged: RegionFailureLog[] = [];
    const deadGateway = await startGateway({
      registry: fixtureDirectory([js.entry(), { ...dead.entry(), code: 'GZ', name: 'Dead GZ' }, hb.entry()]),
      client: { logFailure: (failure) => logged.push(failure) },
    });
    try {
      const { data, errors, report, json } = await deadGateway.query(QUERY);
      expect((data!.person as { regions: string[] }).regions).toEqual(['JS', 'HB']);
      expect(errors![0].extensions).toMatchObject({ code: 'REGION_UNAVAILABLE', region: 'GZ', status: 'error', reason: 'refused' });
      expect(errors![0].message).toBe(
        'Region GZ (Dead GZ) did not answer the index fetch: connection refused. The answer holds what the other regions returned.',
      );
      expect(indexOutcome(report, 'GZ')).toMatchObject({ status: 'error', message: 'connection refused' });
      // Neither the error nor the region report carries the address; the operator log does.
      const { host, port } = new URL(dead.entry().endpoints.index);
      expect(json).not.toContain(port);
      expect(JSON.stringify(report.regions)).not.toContain(port);
      expect(logged).toContainEqual({
        region: 'GZ',
        reason: 'refused',
        message: 'connection refused',
        detail: expect.stringContaining(`ECONNREFUSED ${host}`),
      });
    } finally {
      await deadGateway.stop();
    }
  });

  it("a routed fetch to a region that hangs leaves only that region's entities empty", async () => {
    gz.mode = 'hang';
    const { data, errors } = await gateway.query(`{ a: case(id: "GZ:C-7") { place } b: case(id: "JS:C-1") { place } }`);
    expect(data).toEqual({ a: null, b: { place: 'Nanjing' } });
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions).toMatchObject({ code: 'REGION_UNAVAILABLE', region: 'GZ' });
  });
});
