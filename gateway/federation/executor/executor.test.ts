/**
 * Differential tests: every operation runs through two gateways over the same subgraphs
 * and the same supergraph — one on Liandong's compiled executor, one on @apollo/gateway's
 * own — and the two responses must be the same bytes (data, nulls, errors and their
 * paths and codes, key order). The metric proves the compiled executor ran them (a
 * fallback to Apollo's would make the comparison trivially equal).
 *
 * Fixtures: four in-process subgraphs built for the awkward cases (interfaces, unions,
 * entity fetches and @requires, a subgraph error in an entity fetch, non-null fields a
 * subgraph answers with null, aliases, fragments, @skip/@include from variables and
 * defaults), and — when the shared folder is there — the public benchmark workload over
 * real HTTP subgraphs, against its byte-exact expected response.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPathIfPresent } from '../../../scripts/lib/shared.ts';
import { freePort } from '../../../tests/support/ports.ts';
import { createPlanExecutor, type PlanExecutor } from './index.ts';

const SUBGRAPHS = {
  people: {
    typeDefs: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
      interface Record { id: ID! }
      type Person implements Record @key(fields: "id") { id: ID! name: String! idNumber: String nickname: String! }
      type Vehicle implements Record @key(fields: "plate") { id: ID! plate: String! colour: Colour }
      enum Colour { RED BLUE }
      union Hit = Person | Vehicle
      type Query {
        people(ids: [ID!]!): [Person]!
        person(id: ID!): Person
        records: [Record!]!
        hits: [Hit]
        strictPeople: [Person!]!
        broken: String
      }
    `,
    resolvers: {
      Query: {
        people: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => PEOPLE[id] ?? null),
        person: (_: unknown, { id }: { id: string }) => PEOPLE[id] ?? null,
        records: () => [PEOPLE['1'], VEHICLES.A1, PEOPLE['2']],
        hits: () => [VEHICLES.A1, null, PEOPLE['3']],
        strictPeople: () => [PEOPLE['1'], PEOPLE['3']],
        broken: () => {
          throw new GraphQLError('the people register is down', { extensions: { code: 'REGION_UNAVAILABLE' } });
        },
      },
      Record: { __resolveType: (r: { plate?: string }) => (r.plate ? 'Vehicle' : 'Person') },
      Hit: { __resolveType: (r: { plate?: string }) => (r.plate ? 'Vehicle' : 'Person') },
      Person: { __resolveReference: (ref: { id: string }) => PEOPLE[ref.id] ?? null },
      Vehicle: { __resolveReference: (ref: { plate: string }) => Object.values(VEHICLES).find((v) => v.plate === ref.plate) ?? null },
    },
  },
  cases: {
    typeDefs: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])
      type Person @key(fields: "id") {
        id: ID!
        idNumber: String @external
        cases: [Case!]
        alerts: [String!]! @requires(fields: "idNumber")
      }
      type Case { id: ID! title: String! officer: String }
    `,
    resolvers: {
      Person: {
        __resolveReference: (ref: { id: string; idNumber?: string }) => ref,
        cases: (p: { id: string }) => {
          if (p.id === '2') throw new GraphQLError('case file sealed', { extensions: { code: 'FORBIDDEN' } });
          return CASES[p.id] ?? null;
        },
        alerts: (p: { idNumber?: string }) => (p.idNumber ? [`watch ${p.idNumber.slice(0, 4)}`] : []),
      },
    },
  },
  vehicles: {
    typeDefs: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Vehicle @key(fields: "plate") { plate: String! owner: Person stolen: Boolean! }
      type Person @key(fields: "id", resolvable: false) { id: ID! }
    `,
    resolvers: {
      Vehicle: {
        __resolveReference: (ref: { plate: string }) => ({ plate: ref.plate, owner: { id: '1' }, stolen: ref.plate === 'A1-234' }),
      },
    },
  },
};

const PEOPLE: Record<string, { id: string; name: string; idNumber: string | null; nickname: string }> = {
  '1': { id: '1', name: 'Li Wei', idNumber: '320102199001011234', nickname: 'Wei' },
  '2': { id: '2', name: 'Wang Fang', idNumber: null, nickname: 'Fang' },
  '3': { id: '3', name: 'Zhang Min', idNumber: '440101198505054321', nickname: 'Min' },
};
const VEHICLES: Record<string, { id: string; plate: string; colour: string }> = {
  A1: { id: 'v1', plate: 'A1-234', colour: 'RED' },
};
const CASES: Record<string, { id: string; title: string; officer: string | null }[]> = {
  '1': [
    { id: 'c1', title: 'Theft', officer: 'Chen' },
    { id: 'c2', title: 'Fraud', officer: null },
  ],
  '3': [{ id: 'c3', title: 'Assault', officer: 'Liu' }],
};

const tamper: Record<string, ((data: any) => void) | undefined> = {};

/** Every object in an answer, depth first. */
function eachObject(value: any, visit: (object: any) => void): void {
  if (Array.isArray(value)) for (const element of value) eachObject(element, visit);
  else if (value && typeof value === 'object') {
    visit(value);
    for (const key of Object.keys(value)) eachObject(value[key], visit);
  }
}

/** A people subgraph that answers null for Zhang Min's non-null nickname. */
const nullNickname = (data: unknown) =>
  eachObject(data, (o) => {
    if (o.id === '3' && 'nickname' in o) o.nickname = null;
  });

interface Pair {
  compiled: ApolloServer;
  apollo: ApolloServer;
  executor: PlanExecutor;
  close(): Promise<void>;
}

async function startPair(supergraphSdl: string, buildService?: (name: string, url: string) => unknown): Promise<Pair> {
  const executor = createPlanExecutor({ engine: 'liandong' });
  const make = async (options: object) => {
    const gateway = new ApolloGateway({
      supergraphSdl,
      queryPlannerConfig: { exposeDocumentNodeInFetchNode: true },
      ...(buildService ? { buildService: ({ name, url }: { name: string; url?: string }) => buildService(name, url ?? '') as never } : {}),
      ...options,
    });
    const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
    await server.start();
    return server;
  };
  const compiled = await make(executor.gatewayOptions);
  const apollo = await make({});
  return {
    compiled,
    apollo,
    executor,
    async close() {
      executor.close();
      await compiled.stop();
      await apollo.stop();
    },
  };
}

async function bodyOf(server: ApolloServer, request: { query: string; variables?: Record<string, unknown>; operationName?: string }) {
  const response = await server.executeOperation(request);
  if (response.body.kind !== 'single') throw new Error(`expected a single result, got ${response.body.kind}`);
  return JSON.stringify(response.body.singleResult);
}

async function executions(executor: PlanExecutor, labels: { executor: string; reason: string }): Promise<number> {
  const metric = (await executor.metrics.registry.getSingleMetric('liandong_plan_executions_total')?.get()) as
    | { values: { labels: Record<string, string>; value: number }[] }
    | undefined;
  return metric?.values.find((v) => v.labels.executor === labels.executor && v.labels.reason === labels.reason)?.value ?? 0;
}

const OPERATIONS: {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  tamper?: Record<string, (data: unknown) => void>;
}[] = [
  {
    name: 'entities across three subgraphs, aliases and __typename',
    query: `{ people(ids: ["1", "9", "3"]) { __typename who: name id nickname kind: __typename cases { id title officer } alerts } }`,
  },
  {
    name: 'an entity fetch with a subgraph error (error path into the list)',
    query: `{ people(ids: ["1", "2", "3"]) { id name cases { title } } }`,
  },
  {
    name: 'interface fragments and a type condition on __typename',
    query: `query R { records { id __typename ... on Person { name cases { title } } ... on Vehicle { plate stolen owner { id name } } } }`,
    variables: {},
  },
  {
    name: 'a union with a null member and named fragments',
    query: `fragment P on Person { name idNumber } fragment V on Vehicle { plate colour stolen }
            query H { hits { ...P ...V ... on Person { nickname } } }`,
    variables: {},
  },
  {
    name: 'null for a non-null field bubbles to the root',
    query: `{ strictPeople { id nickname } person(id: "3") { id nickname } }`,
    tamper: { people: nullNickname },
  },
  {
    name: 'null for a non-null field bubbles to the nearest nullable one',
    query: `{ person(id: "3") { id nickname cases { id } } people(ids: ["3", "1"]) { id name nickname } records { id ... on Person { nickname } } }`,
    tamper: { people: nullNickname },
  },
  {
    name: 'a root field error beside data',
    query: `{ broken person(id: "1") { name } }`,
  },
  {
    name: '@skip / @include from variables, literals and defaults',
    query: `query S($withCases: Boolean!, $noName: Boolean = true) {
              person(id: "1") {
                name @skip(if: $noName)
                id @include(if: false)
                nickname @include(if: true)
                cases @include(if: $withCases) { title officer @skip(if: $withCases) }
                ... on Person @skip(if: $withCases) { idNumber }
              }
            }`,
    variables: { withCases: true },
  },
  {
    name: 'the same with the other variable values',
    query: `query S($withCases: Boolean!, $noName: Boolean = true) {
              person(id: "1") { name @skip(if: $noName) cases @include(if: $withCases) { title } ... on Person @skip(if: $withCases) { idNumber } }
            }`,
    variables: { withCases: false, noName: false },
  },
  {
    name: 'the same field selected twice, merged',
    query: `{ person(id: "1") { cases { id } name cases { title } p: cases { id } } person2: person(id: "2") { id } }`,
  },
  {
    name: 'an entity fetch failing as a whole (the path Apollo gives it)',
    query: `{ people(ids: ["1", "2"]) { id alerts } }`,
    tamper: {
      cases: (data: unknown) => {
        throw Object.assign(new Error('not this'), { data });
      },
    },
  },
  {
    name: 'entities three fetches deep through lists with nulls (flatten paths with @)',
    query: `{ hits { ... on Vehicle { plate owner { name cases { title } alerts } } ... on Person { cases { id } } } people(ids: ["9", "3"]) { cases { id } } }`,
  },
  {
    name: 'fragments on one type condition apart from each other (Apollo merges them: key order)',
    query: `fragment N on Person { nickname } query F { person(id: "1") { ... on Person { name } id ... on Person { idNumber } ...N cases { id } ...N ... on Record { id } } }`,
    variables: {},
  },
  {
    name: 'one response name under other directives, fragments without a type condition, nested merges',
    query: `query M($a: Boolean = false) {
              person(id: "1") {
                cases { id } ... { name @skip(if: $a) } name @include(if: true) ... @include(if: $a) { idNumber }
                ... { cases { title } } id name @skip(if: $a) ... on Person { cases { officer } nickname }
              }
              records { ... on Vehicle { plate } id ... on Person { name } ... on Vehicle { colour owner { id } } __typename }
            }`,
    variables: {},
  },
  {
    name: 'a missing entity and an empty list',
    query: `{ person(id: "404") { id cases { id } } people(ids: []) { id } }`,
  },
  { name: 'only __typename', query: `{ __typename t: __typename }` },
];

describe('the compiled executor against Apollo executeQueryPlan, byte for byte', () => {
  let pair: Pair;
  beforeAll(async () => {
    const services = Object.entries(SUBGRAPHS).map(([name, s]) => ({
      name,
      url: `in-process://${name}`,
      schema: buildSubgraphSchema([{ typeDefs: parse(s.typeDefs), resolvers: s.resolvers as never }]),
      typeDefs: parse(s.typeDefs),
    }));
    const composed = composeServices(services.map(({ name, url, typeDefs }) => ({ name, url, typeDefs })));
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
    pair = await startPair(composed.supergraphSdl, (name) => {
      const local = new LocalGraphQLDataSource(services.find((s) => s.name === name)!.schema);
      // What a subgraph that breaks its contract sends: the test alters a correct answer.
      return {
        async process(options: Parameters<LocalGraphQLDataSource['process']>[0]) {
          const response = await local.process(options);
          if (response.data) tamper[name]?.(response.data);
          return response;
        },
      };
    });
  });
  afterAll(() => pair?.close());

  for (const operation of OPERATIONS) {
    it(operation.name, async () => {
      const before = await executions(pair.executor, { executor: 'compiled', reason: 'none' });
      const request = { query: operation.query, variables: operation.variables };
      Object.assign(tamper, operation.tamper);
      try {
        const [compiled, apollo] = [await bodyOf(pair.compiled, request), await bodyOf(pair.apollo, request)];
        expect(compiled).toBe(apollo);
      } finally {
        for (const name of Object.keys(operation.tamper ?? {})) delete tamper[name];
      }
      expect(await executions(pair.executor, { executor: 'compiled', reason: 'none' })).toBe(before + 1);
    });
  }

  it('reports errors and nulls the way the fixtures intend (the comparison is not of two empty answers)', async () => {
    tamper.people = nullNickname;
    const bubbled = JSON.parse(await bodyOf(pair.compiled, { query: OPERATIONS[5].query }));
    delete tamper.people;
    expect(bubbled.data.person).toBeNull();
    expect(bubbled.data.people).toEqual([null, { id: '1', name: 'Li Wei', nickname: 'Wei' }]);
    expect(bubbled.extensions.valueCompletion[0]).toEqual({
      message: 'Cannot return null for non-nullable field Person.nickname.',
      path: ['person', 'nickname'],
      extensions: { code: 'INVALID_GRAPHQL' },
    });
    const sealed = JSON.parse(await bodyOf(pair.compiled, { query: OPERATIONS[1].query }));
    expect(sealed.errors[0]).toMatchObject({
      message: 'case file sealed',
      path: ['people', 1, 'cases'],
      extensions: { code: 'FORBIDDEN', serviceName: 'cases' },
    });
  });

  it('sends introspection to Apollo executor, counted, with the same answer', async () => {
    const before = await executions(pair.executor, { executor: 'apollo', reason: 'introspection' });
    const request = { query: '{ __schema { queryType { name } } person(id: "1") { name } }' };
    expect(await bodyOf(pair.compiled, request)).toBe(await bodyOf(pair.apollo, request));
    expect(await executions(pair.executor, { executor: 'apollo', reason: 'introspection' })).toBe(before + 1);
  });

  it('hands an invalid leaf value from a subgraph to Apollo shaper, with the same answer', async () => {
    // A value of the wrong kind: Apollo reports it; the compiled shaper defers to Apollo's.
    tamper.vehicles = (data) =>
      eachObject(data, (o) => {
        if ('stolen' in o) o.stolen = 'yes';
      });
    try {
      const request = { query: '{ records { id ... on Vehicle { stolen } } }' };
      const before = await executions(pair.executor, { executor: 'compiled', reason: 'apollo shaping' });
      const compiled = await bodyOf(pair.compiled, request);
      expect(compiled).toBe(await bodyOf(pair.apollo, request));
      expect(compiled).toContain('Invalid value found for field Vehicle.stolen');
      expect(await executions(pair.executor, { executor: 'compiled', reason: 'apollo shaping' })).toBe(before + 1);
    } finally {
      delete tamper.vehicles;
    }
  });
});

const PEER_DIR = sharedPathIfPresent('bench-peer');

describe.skipIf(!PEER_DIR)('the public benchmark workload (shared/bench-peer) over HTTP subgraphs', () => {
  let pair: Pair;
  let servers: Server[] = [];
  beforeAll(async () => {
    const { startPeerSubgraph, PEER_SUBGRAPHS } = await import('../../../bench/peer/subgraphs.ts');
    const { composePeerSupergraph } = await import('../../../bench/peer/compose.ts');
    const ports: number[] = [];
    while (ports.length < PEER_SUBGRAPHS.length) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    servers = await Promise.all(PEER_SUBGRAPHS.map((name, i) => startPeerSubgraph(name, ports[i])));
    pair = await startPair(composePeerSupergraph(ports));
  });
  afterAll(async () => {
    await pair?.close();
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  it('answers TestQuery with the expected response, byte for byte, as Apollo executor does', async () => {
    const request = { query: readFileSync(`${PEER_DIR}/query.graphql`, 'utf8'), operationName: 'TestQuery' };
    const expected = readFileSync(`${PEER_DIR}/expected-response.json`, 'utf8').trim();
    for (let round = 0; round < 2; round++) {
      // The second round runs on the cached plan and its compiled shaper.
      expect(await bodyOf(pair.compiled, request)).toBe(expected);
    }
    expect(await bodyOf(pair.apollo, request)).toBe(expected);
    expect(await executions(pair.executor, { executor: 'compiled', reason: 'none' })).toBe(2);
  });
});
