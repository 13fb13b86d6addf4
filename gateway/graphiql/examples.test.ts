/**
 * The saved examples the page offers must stay valid against the schema the gateway
 * serves (the contract plus the gateway's own audit and region fields): a contract change
 * that breaks one fails here, not in front of an analyst.
 */
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../tests/support/gateway.ts';
import { EXAMPLES } from './app/examples.ts';

let gateway: TestGateway;
let schema: GraphQLSchema;

beforeAll(async () => {
  gateway = await startTestGateway();
  schema = buildSchema(gateway.supergraph.gatewaySdl, { assumeValidSDL: true });
}, 30_000);

afterAll(async () => {
  await gateway?.close();
});

describe('saved examples', () => {
  it('cover the four analyst questions', () => {
    expect(EXAMPLES.map((e) => e.title)).toEqual(['Person across regions', 'Case → suspects → vehicles', 'Vehicle by plate', 'Audit: who looked at this person']);
  });

  it.each(EXAMPLES.map((e) => [e.title, e] as const))('%s validates against the served schema', (_title, example) => {
    expect(validate(schema, parse(example.query)).map((e) => e.message)).toEqual([]);
  });
});
