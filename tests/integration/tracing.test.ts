/**
 * Tracing over the real system: the gateway and the three regional subgraphs export to
 * an OTLP/HTTP receiver in this process; real queries (a person across regions, a
 * search, a case followed across regions) must give one trace per request spanning
 * gateway, subgraphs and the GZ adapter's calls to its legacy service — and no span may
 * carry personal data: no identity number, name or plate of the seeded world appears
 * in any span's name, attributes, events or status.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedData, startSystem, REGION_CODES, type GraphQLResponse, type System } from '../support/system.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.ts';
import { World } from '../../standins/generator/world.ts';
import { planScenarios } from '../../standins/generator/scenarios.ts';
import { seedFromText } from '../../standins/generator/random.ts';
import { SPAN } from '../../common/tracing/spans.ts';
import { readJsonLines } from '../support/json-lines.ts';

const PERSONS = 200;
/** The generator's default seed (standins/generator/cli.ts), which seedData() uses. */
const SEED = 'liandong';

let dataDir: string;
let system: System;
let receiver: OtlpReceiver;
const responses: GraphQLResponse[] = [];
let auditRecords: Array<Record<string, any>> = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  dataDir = await seedData(PERSONS);
  system = await startSystem({
    dataDir,
    // Every request reaches the regions (a cached answer would have no region spans).
    gatewayConfig: { cache: { enabled: false }, tracing: { enabled: true, otlpUrl: receiver.url, serviceName: 'gw-test', sampleRatio: 1 } },
    subgraphEnv: { SUBGRAPH_TRACING: 'true', SUBGRAPH_TRACING_OTLP_URL: receiver.url },
  });
  const { personInAllRegions, crossRegionCase } = system.scenarios;
  responses.push(
    await system.query(
      `query Person($id: String!) {
    person(idNumber: $id) { idNumber records { id region name birthDate } vehicles { id region plate } cases { role case { id region } } }
  }`,
      { id: personInAllRegions.legacyIdNumber },
    ),
  );
  responses.push(
    await system.query(
      `query Search($name: String!) {
    searchPersons(filter: { name: $name }, first: 5) { edges { node { idNumber records { region name } } } }
  }`,
      { name: personInAllRegions.name },
    ),
  );
  responses.push(
    await system.query(
      `query Chain($id: ID!) {
    case(id: $id) { id region parties { role person { idNumber records { region name } vehicles { vehicle { plate alerted } } } } }
  }`,
      { id: crossRegionCase.caseId },
    ),
  );
  // Each record is durable before its response leaves; read them before stop() removes the directory.
  const auditDir = join(system.configDir, 'audit');
  auditRecords = readJsonLines(auditDir, /^audit-\d+\.jsonl$/);
  await allExported(responses.map((r) => r.extensions?.auditId));
  await system.stop();
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await receiver?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Waits until each request's span has arrived (the gateway ends it last, after its
 * regions answered) and then until nothing new has come for a few export intervals, so
 * the subgraphs' spans of the last request are in too. Bounded, so a bug fails the
 * assertions rather than hanging.
 */
async function allExported(auditIds: unknown[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const haveRoots = () =>
    auditIds.every((id) => receiver.spans.some((s) => s.name === SPAN.request && s.attributes['liandong.audit_id'] === id));
  while (!haveRoots() && Date.now() < deadline) await sleep(200);
  let seen = -1;
  while (seen !== receiver.spans.length && Date.now() < deadline) {
    seen = receiver.spans.length;
    await sleep(2500);
  }
}

/** Every identity number (18 and 15 digits), name and plate the generator wrote, and the scenario values. */
function personalData(): string[] {
  const world = new World(seedFromText(SEED), PERSONS);
  const scenarios = planScenarios(world);
  const values = new Set<string>();
  for (const region of REGION_CODES) {
    for (let i = 0; i < world.sizes.persons; i++) {
      const record = world.personRecord(region, i);
      values.add(record.idNumber).add(record.idNumberAsRecorded).add(record.name);
    }
    for (let v = 0; v < world.sizes.vehicles; v++) {
      const vehicle = world.vehicleRecord(region, v);
      values.add(vehicle.plate).add(vehicle.plateAsRecorded);
    }
  }
  const { personInAllRegions, crossRegionCase, wantedInHb } = scenarios;
  for (const value of [
    personInAllRegions.idNumber,
    personInAllRegions.legacyIdNumber,
    personInAllRegions.name,
    crossRegionCase.suspectIdNumber,
    crossRegionCase.plate,
    wantedInHb.idNumber,
  ])
    values.add(value);
  return [...values].filter((v) => v.length >= 2);
}

function traceOf(auditId: string): ReceivedSpan[] {
  const root = receiver.spans.find((s) => s.name === SPAN.request && s.attributes['liandong.audit_id'] === auditId);
  expect(root, `a request span carrying audit id ${auditId}`).toBeDefined();
  return receiver.spans.filter((s) => s.traceId === root!.traceId);
}

describe('tracing across gateway, subgraphs and the GZ adapter', () => {
  it('answered the queries', () => {
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
    }
    expect(receiver.rejected).toEqual([]);
  });

  it("puts each request's gateway, subgraph and GZ-adapter spans in one trace", () => {
    for (const response of responses) {
      const spans = traceOf(response.extensions!.auditId);
      const services = new Set(spans.map((s) => s.service));
      expect(services).toEqual(new Set(['gw-test', 'liandong-subgraph-js', 'liandong-subgraph-gz', 'liandong-subgraph-hb']));
      const names = new Set(spans.map((s) => s.name));
      for (const phase of [
        SPAN.request,
        SPAN.authentication,
        SPAN.authorisation,
        SPAN.execute,
        SPAN.regionFetch,
        SPAN.auditAppend,
        SPAN.subgraphRequest,
      ]) {
        expect(names, `${phase} in the trace of ${response.extensions!.auditId}`).toContain(phase);
      }
      const gzCalls = spans.filter((s) => s.name === SPAN.adapterCall && s.service === 'liandong-subgraph-gz');
      expect(gzCalls.length).toBeGreaterThan(0);
      // The adapter's call hangs under the GZ subgraph's request span, which hangs under a gateway region fetch.
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const parent = byId.get(gzCalls[0].parentSpanId);
      expect(parent?.name).toBe(SPAN.subgraphRequest);
      expect(byId.get(parent!.parentSpanId)?.name).toBe(SPAN.regionFetch);
      expect(byId.get(parent!.parentSpanId)?.attributes['liandong.region']).toBe('GZ');
    }
    // Fan-outs merge: the person lookup asks every region's index.
    expect(traceOf(responses[0].extensions!.auditId).some((s) => s.name === SPAN.merge)).toBe(true);
  });

  it('names the trace in the audit record, and the audit id on the request span', () => {
    for (const response of responses) {
      const auditId = response.extensions!.auditId;
      const record = auditRecords.find((r) => r.auditId === auditId);
      expect(record, `audit record ${auditId}`).toBeDefined();
      const root = traceOf(auditId).find((s) => s.name === SPAN.request)!;
      expect(record!.traceId).toBe(root.traceId);
    }
  });

  it('carries no identity number, name or plate of the seeded data in any span', () => {
    const secrets = personalData();
    expect(secrets.length).toBeGreaterThan(PERSONS);
    expect(receiver.spans.length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const span of receiver.spans) {
      const text = JSON.stringify({ name: span.name, raw: span.raw });
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${span.service} ${span.name}: ${secret}`);
    }
    expect(leaks).toEqual([]);
    // Nor the operations' variables or text.
    for (const span of receiver.spans) {
      expect(JSON.stringify(span.raw)).not.toMatch(/searchPersons|idNumber|\$id/);
    }
  });
});
