/**
 * The saved examples the page offers must stay valid against the schema the gateway
 * serves (the contract plus the gateway's own audit and region fields), and their
 * purposes must be ones the gateway accepts: a contract or policy change that breaks one
 * fails here, not in front of an analyst. Whether each runs without errors for its roles
 * on the seeded data is tests/browser/graphiql.test.ts's question.
 */
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../schema/policy.ts';
import { startTestGateway, type TestGateway } from '../../tests/support/gateway.ts';
import { parsePurpose } from '../auth/purpose.ts';
import { examples, headersText, PLACEHOLDERS, withPurpose } from './app/examples.ts';
import type { DemoValues } from './page-config.ts';

let gateway: TestGateway;
let schema: GraphQLSchema;
const policy = loadPolicy();

const DEMO: DemoValues = {
  personIdNumber: '321202980212127',
  personNamePrefix: '張*',
  caseId: 'JS:C-2024-000001',
  caseLead: 'JS-0310552',
  plate: '鄂A12345',
};

beforeAll(async () => {
  gateway = await startTestGateway();
  schema = buildSchema(gateway.supergraph.gatewaySdl, { assumeValidSDL: true });
}, 30_000);

afterAll(async () => {
  await gateway?.close();
});

describe('saved examples', () => {
  it('cover the analyst questions', () => {
    expect(examples(DEMO).map((e) => e.title)).toEqual([
      'Person across regions',
      'Case → suspects → vehicles',
      'Request assistance (協查)',
      'Follow my assistance requests (live)',
      'Vehicle by plate',
      'Search persons by name',
      'Audit: who looked at this person',
      "Work HB's assistance inbox (HB officer)",
    ]);
  });

  it.each(examples(DEMO).map((e) => [e.title, e] as const))('%s validates against the served schema', (_title, example) => {
    expect(validate(schema, parse(example.query)).map((e) => e.message)).toEqual([]);
  });

  it.each(examples(DEMO).map((e) => [e.title, e] as const))(
    '%s opens with an X-Purpose the gateway accepts, and names demo roles of the policy',
    (_title, example) => {
      expect(parsePurpose(example.purpose, policy.purposes)).not.toBeNull();
      expect(example.query.split('\n')[0]).toBe(
        `# For: ${example.roles.join(', ')} (the token's role; development: pick it under "Demo tokens").`,
      );
      expect(example.roles.length).toBeGreaterThan(0);
      for (const role of example.roles) expect(Object.keys(policy.roles)).toContain(role);
    },
  );

  it('fills every variable from the demo data, and the case example names the demo case', () => {
    const [person, kase, assistance, live, vehicle, search, audit] = examples(DEMO);
    expect(person.variables).toEqual({ idNumber: DEMO.personIdNumber });
    expect(kase.variables).toEqual({ caseId: DEMO.caseId });
    expect(kase.purpose).toBe(`investigation; case=${DEMO.caseId}`);
    expect(kase.officer).toContain(DEMO.caseLead);
    expect(assistance.variables).toEqual({ caseId: DEMO.caseId, idNumber: DEMO.personIdNumber, idempotencyKey: 'graphiql-demo-request-1' });
    expect(assistance.purpose).toBe(`assistance-request; case=${DEMO.caseId}`);
    expect(assistance.officer).toContain(DEMO.caseLead);
    expect(live.variables).toEqual({});
    expect(live.purpose).toBe(`assistance-request; case=${DEMO.caseId}`);
    expect(vehicle.variables).toEqual({ plate: DEMO.plate });
    expect(search.variables).toEqual({ name: DEMO.personNamePrefix });
    expect(audit.variables).toEqual({ idNumber: DEMO.personIdNumber });
  });

  it('without demo data (production), holds placeholders that say what to put there', () => {
    const all = examples(null);
    expect(all.flatMap((e) => Object.values(e.variables))).toEqual(
      expect.arrayContaining([PLACEHOLDERS.personIdNumber, PLACEHOLDERS.caseId, PLACEHOLDERS.plate]),
    );
    for (const example of all) for (const value of Object.values(example.variables)) expect(String(value)).toMatch(/^<.+>$/);
  });
});

describe('example headers', () => {
  const [person, kase] = examples(DEMO);

  it("open with a token placeholder and the example's purpose", () => {
    expect(JSON.parse(headersText(kase, true))).toEqual({
      Authorization: expect.stringContaining('Demo tokens'),
      'X-Purpose': `investigation; case=${DEMO.caseId}`,
    });
    expect(JSON.parse(headersText(person, false)).Authorization).not.toContain('Demo tokens');
  });

  it('switching examples replaces the purpose and keeps the token already there', () => {
    const headers = JSON.stringify({ authorization: 'Bearer picked', 'x-purpose': person.purpose });
    expect(JSON.parse(withPurpose(headers, kase, true))).toEqual({ authorization: 'Bearer picked', 'X-Purpose': kase.purpose });
  });

  it("unparsable headers become the example's own", () => {
    expect(withPurpose('{ not json', kase, true)).toBe(headersText(kase, true));
    expect(withPurpose('[]', kase, true)).toBe(headersText(kase, true));
  });
});
