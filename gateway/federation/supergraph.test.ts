import { ApolloGateway } from '@apollo/gateway';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildOwnSubgraph } from '../own-subgraph/module.ts';
import { regionsModule } from '../own-subgraph/regions.ts';
import { RegionRegistry } from '../registry/registry.ts';
import { composeSupergraph, CompositionError, contractSubgraphs, regionalPart } from './compose.ts';
import { prepareSupergraph, regionalSupergraph, subgraphsOf } from './supergraph.ts';

const own = buildOwnSubgraph([regionsModule(new RegionRegistry([]))]);
const supergraph = regionalSupergraph(own);

describe('the regional supergraph', () => {
  it('holds each contract part once beside the gateway subgraph', () => {
    expect(supergraph.subgraphs).toEqual([
      { name: 'gateway', url: 'in-process://gateway' },
      { name: 'index', url: 'liandong-region://index' },
      { name: 'records', url: 'liandong-region://records' },
      { name: 'search', url: 'liandong-region://search' },
    ]);
    expect(supergraph.subgraphs.map((s) => regionalPart(s.url))).toEqual([null, 'index', 'records', 'search']);
  });

  it("reads the contract's authorisation directives into the map", () => {
    const { requirements } = supergraph;
    expect(requirements.Case.type?.authenticated).toBe(true);
    expect(requirements.Case.fields.summary.scopes).toContainEqual(['case:details']);
    expect(requirements.PersonRecord.fields.address.scopes).toContainEqual(['person:contact']);
    expect(requirements.Query.fields.person.authenticated).toBe(true);
    expect(requirements.Query?.fields.regions).toBeUndefined();
  });

  it('is refused by @apollo/gateway with the directives and accepted without them', async () => {
    await expect(new ApolloGateway({ supergraphSdl: supergraph.sdl }).load()).rejects.toThrow(/for: SECURITY but is unsupported/);
    expect(supergraph.gatewaySdl).not.toMatch(
      /@authenticated|@requiresScopes|@policy|requiresScopes__Scope|specs\.apollo\.dev\/(authenticated|requiresScopes|policy)/,
    );
    const gateway = new ApolloGateway({ supergraphSdl: supergraph.gatewaySdl });
    const { schema } = await gateway.load();
    expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(
      expect.arrayContaining([
        'case',
        'person',
        'personRecord',
        'regions',
        'searchCases',
        'searchPersons',
        'searchVehicles',
        'vehicle',
        'vehicleRecord',
      ]),
    );
    expect(schema.getType('PersonRecord')!.description).toContain('A person as recorded by one region');
    await gateway.stop();
  });

  it('lists the subgraphs of any supergraph', () => {
    expect(subgraphsOf(parse('type Query { a: Int }'))).toEqual([]);
  });
});

describe('a supergraph using every authorisation directive', () => {
  const link =
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])';
  const sdl = composeSupergraph([
    {
      name: 'a',
      url: 'http://a.invalid',
      typeDefs: parse(`${link}
      type Query { officer(id: ID!): Officer @authenticated  stats: Int }
      type Officer @key(fields: "id") @requiresScopes(scopes: [["staff:read"]]) {
        id: ID!
        name: String!
        phone: String @requiresScopes(scopes: [["staff:contact", "staff:read"], ["admin"]])
      }`),
    },
    {
      name: 'b',
      url: 'http://b.invalid',
      typeDefs: parse(`${link}
      type Officer @key(fields: "id") { id: ID! salary: Int @policy(policies: [["sameRegion"]]) }`),
    },
  ]);
  const prepared = prepareSupergraph(sdl, 'fixture');

  it('extracts type and field requirements exactly', () => {
    expect(prepared.requirements).toEqual({
      Query: { fields: { officer: { authenticated: true, scopes: [], policies: [] } } },
      Officer: {
        type: { authenticated: false, scopes: [['staff:read']], policies: [] },
        fields: {
          phone: { authenticated: false, scopes: [['staff:contact', 'staff:read'], ['admin']], policies: [] },
          salary: { authenticated: false, scopes: [], policies: [['sameRegion']] },
        },
      },
    });
  });

  it('hands @apollo/gateway a supergraph it accepts, without the directives, their definitions or links', async () => {
    expect(prepared.gatewaySdl).not.toMatch(
      /@authenticated|@requiresScopes|@policy|requiresScopes__|policy__|specs\.apollo\.dev\/(authenticated|requiresScopes|policy)/,
    );
    const gateway = new ApolloGateway({ supergraphSdl: prepared.gatewaySdl });
    const { schema } = await gateway.load();
    expect(Object.keys((schema.getType('Officer') as any).getFields())).toEqual(['id', 'name', 'phone', 'salary']);
    await gateway.stop();
  });
});

describe('composition errors', () => {
  it('are collected and printed with code, message and location', () => {
    const broken = parse(
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"]) type Query { person(idNumber: String!): Int }',
    );
    const subgraphs = [...contractSubgraphs(), { name: 'gateway', url: 'in-process://gateway', typeDefs: broken }];
    let error: unknown;
    try {
      composeSupergraph(subgraphs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompositionError);
    const message = (error as Error).message;
    expect(message).toMatch(/^supergraph composition failed with \d+ error\(s\):/);
    expect(message).toContain('[INVALID_FIELD_SHARING]');
    expect(message).toContain('Query.person');
  });

  it('point at the contract file and line', () => {
    const subgraphs = contractSubgraphs();
    const records = subgraphs.find((s) => s.name === 'records')!;
    const clash = parse('type Case @key(fields: "id") { id: ID! region: Int! }');
    let message = '';
    try {
      composeSupergraph([records, { name: 'other', url: 'http://other', typeDefs: clash }]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/schema\/contract\/records\.graphql:\d+/);
  });
});
