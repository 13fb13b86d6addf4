/**
 * A gateway assembled for the authorisation and limits suites: the real contract
 * composed with @apollo/composition, a real ApolloGateway over three small real
 * subgraphs (records, index, search; @apollo/subgraph on free loopback ports, serving
 * the contract SDL over a few in-memory persons and one case), the gateway's real HTTP
 * layer, real dev JWTs checked by the real token verifier, the real purpose rules
 * (X-Purpose; case-bound scopes), the disclosure layer, and the authorisation and limits plugins under test. Each subgraph records the operations it receives, so a
 * test can check what a denied field's request never carried.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadPolicy } from '../../schema/policy.ts';
import { DEV_AUDIENCE, DEV_ISSUER, devKeyFiles, mintDevToken, type DevTokenRequest } from '../../gateway/auth/dev-key.ts';
import { caseBoundScopeNote, resolvePurpose, type CaseFinder } from '../../gateway/auth/purpose.ts';
import { createTokenVerifier } from '../../gateway/auth/token-verifier.ts';
import { AUTHORISATION_DEFAULTS, type AuthorisationConfig } from '../../gateway/authorisation/config.ts';
import type { GatewayContext } from '../../gateway/context.ts';
import { composeSupergraph, contractTypeDefs } from '../../gateway/federation/compose.ts';
import { prepareSupergraph } from '../../gateway/federation/supergraph.ts';
import { headerValue } from '../../gateway/http/request.ts';
import { graphqlHandler } from '../../gateway/http/graphql.ts';
import { basicMetrics } from '../../gateway/http/hooks.ts';
import { createHttpServer } from '../../gateway/http/router.ts';
import type { BulkLookupAlert } from '../../gateway/limits/bulk-lookup.ts';
import { validateLimitsConfig } from '../../gateway/limits/config.ts';
import { createAuthorisation } from '../../gateway/authorisation/index.ts';
import { withDisclosure } from '../../gateway/disclosure/gateway-wrapper.ts';
import { createLimits } from '../../gateway/limits/index.ts';
import { RegionRegistry } from '../../gateway/registry/registry.ts';
import type { ContractPart } from '../../gateway/registry/regions-file.ts';

/** Persons the subgraphs know: `PERSON_COUNT` of them, each with one JS record. */
export const PERSON_COUNT = 30;
export const idNumberOf = (i: number) => `3201021990010${String(1000 + i).slice(1)}X`;
export const CASE_ID = 'JS:C-2026-000001';

function person(i: number) {
  return {
    record: {
      id: `JS:P${i}`,
      region: 'JS',
      localId: `P${i}`,
      idNumber: idNumberOf(i),
      idNumberAsRecorded: idNumberOf(i),
      person: { idNumber: idNumberOf(i) },
      name: `張${i}`,
      sex: 'MALE',
      sexCodeAsRecorded: null,
      birthDate: '1990-01-01',
      address: `南京市鼓樓區${i}號`,
      phone: `1390000${String(1000 + i).slice(1)}`,
      updatedAt: '2026-01-01T00:00:00Z',
    },
  };
}

const PERSONS = new Map(Array.from({ length: PERSON_COUNT }, (_, i) => [idNumberOf(i), person(i)]));
const RECORDS = new Map([...PERSONS.values()].map((p) => [p.record.id, p.record]));
const CASE = {
  id: CASE_ID,
  region: 'JS',
  caseNumber: 'A3201022026000001',
  type: 'THEFT',
  typeCodeAsRecorded: '0201',
  status: 'INVESTIGATING',
  statusCodeAsRecorded: '20',
  reportedAt: '2026-01-02T03:04:05Z',
  place: '南京市',
  lossAmount: 1200,
  summary: 'Bicycle stolen outside the station.',
  updatedAt: '2026-01-03T00:00:00Z',
  parties: [{ role: 'SUSPECT', person: { idNumber: idNumberOf(0) }, nameAsRecorded: '張0' }],
  vehicles: [],
};

/** The purpose layer's case lookup, over the same case the records subgraph serves; every officer here works it. */
const findCase: CaseFinder = async (ref) =>
  ref === CASE_ID ? { ref, partyIdNumbers: CASE.parties.map((p) => p.person.idNumber), callerAssigned: true } : null;

/** An X-Purpose header naming the case, which unlocks case-bound scopes. */
export const CASE_PURPOSE = { 'x-purpose': `investigation; case=${CASE_ID}` };

const RESOLVERS: Record<ContractPart, GraphQLResolverMap<unknown>> = {
  records: {
    Query: {
      case: (_: unknown, { id }: { id: string }) => (id === CASE_ID ? CASE : null),
      personRecord: (_: unknown, { id }: { id: string }) => RECORDS.get(id) ?? null,
      vehicleRecord: () => null,
    },
    PersonRecord: { __resolveReference: ({ id }: { id: string }) => RECORDS.get(id) ?? null },
    Case: { __resolveReference: ({ id }: { id: string }) => (id === CASE_ID ? CASE : null) },
  },
  index: {
    Query: {
      person: (_: unknown, { idNumber }: { idNumber: string }) => (PERSONS.has(idNumber) ? { idNumber } : null),
      vehicle: () => null,
    },
    Person: {
      __resolveReference: ({ idNumber }: { idNumber: string }) => ({ idNumber }),
      birthDate: () => '1990-01-01',
      sex: () => 'MALE',
      regions: () => ['JS'],
      // This region's own records, whole: the index part provides their plain fields (@provides).
      records: ({ idNumber }: { idNumber: string }) => (PERSONS.has(idNumber) ? [PERSONS.get(idNumber)!.record] : []),
      cases: ({ idNumber }: { idNumber: string }) => (idNumber === idNumberOf(0) ? [{ role: 'SUSPECT', case: CASE }] : []),
      vehicles: () => [],
      wantedNotices: () => [],
      wanted: () => false,
    },
  },
  search: {
    Query: {
      searchPersons: (_: unknown, { first }: { first: number }) => {
        const nodes = [...PERSONS.keys()].slice(0, first);
        return {
          edges: nodes.map((idNumber) => ({ cursor: idNumber, node: { idNumber } })),
          pageInfo: { hasNextPage: nodes.length < PERSONS.size, endCursor: nodes.at(-1) ?? null },
          totalCount: PERSONS.size,
        };
      },
      searchCases: () => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 }),
      searchVehicles: () => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 }),
    },
  },
};

export interface GatewayUnderTestOptions {
  authorisation?: Partial<AuthorisationConfig>;
  /** Raw `limits` section, validated like the config file's. */
  limits?: unknown;
  bodyLimitBytes?: number;
}

export interface GatewayUnderTest {
  url: string;
  /** Operations each subgraph received, in order. */
  received: Record<ContractPart, string[]>;
  alerts: BulkLookupAlert[];
  token(request: Omit<DevTokenRequest, 'region'> & { region?: string }): Promise<string>;
  post(body: unknown, token?: string, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; json: any }>;
  close(): Promise<void>;
}

const silent = pino({ level: 'silent' });

export async function startGatewayUnderTest(options: GatewayUnderTestOptions = {}): Promise<GatewayUnderTest> {
  const keysDir = mkdtempSync(join(tmpdir(), 'liandong-authz-'));
  const closers: Array<() => Promise<unknown>> = [async () => rmSync(keysDir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const received = { records: [], index: [], search: [] } as Record<ContractPart, string[]>;
    const urls = {} as Record<ContractPart, string>;
    for (const part of ['records', 'index', 'search'] as const) {
      const subgraph = await startSubgraph(part, received[part]);
      closers.push(subgraph.stop);
      urls[part] = subgraph.url;
    }
    const supergraph = prepareSupergraph(
      composeSupergraph(
        (['records', 'index', 'search'] as const).map((part) => ({ name: part, url: urls[part], typeDefs: contractTypeDefs(part) })),
      ),
      'test',
    );

    const policy = loadPolicy();
    const authorisation = createAuthorisation({
      requirements: supergraph.requirements,
      config: { ...AUTHORISATION_DEFAULTS, ...options.authorisation },
      policy,
      explainScope: (scope, caller, purpose) => caseBoundScopeNote(policy, scope, caller, purpose),
    });
    const alerts: BulkLookupAlert[] = [];
    const limitsConfig = validateLimitsConfig(options.limits ?? {});
    const limits = createLimits({ config: limitsConfig, logger: { warn: () => undefined } });
    limits.bulkLookup.on('alert', (alert) => alerts.push(alert));

    const gateway = new ApolloGateway({ supergraphSdl: supergraph.gatewaySdl, logger: silent });
    const apollo = new ApolloServer<GatewayContext>({
      // As the gateway wraps it (plugins/index.ts): authorisation, then disclosure (whose data
      // each answer holds, for the bulk-lookup monitor).
      gateway: authorisation.wrapGateway(withDisclosure(gateway)),
      plugins: [authorisation.plugin, limits.plugin],
      includeStacktraceInErrorResponses: false,
      csrfPrevention: false,
      logger: silent,
    });
    await apollo.start();
    closers.push(() => apollo.stop());

    const { jwksFile } = devKeyFiles(keysDir);
    const token = (request: Omit<DevTokenRequest, 'region'> & { region?: string }) => mintDevToken(keysDir, { region: 'JS', ...request });
    await token({ sub: 'warm-up', roles: [] }); // creates the dev key the verifier trusts
    const verifier = createTokenVerifier(
      {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        algorithms: ['EdDSA'],
        keys: { kind: 'dev', jwksFile },
        clockToleranceSeconds: 30,
        keysDir,
        policyFile: '',
        internalTokenTtlSeconds: 15,
      },
      policy,
    );

    const http = createHttpServer({
      graphql: graphqlHandler(apollo, {
        bodyLimitBytes: options.bodyLimitBytes ?? 1_048_576,
        maxVariablesDepth: limitsConfig.maxVariablesDepth,
        trustProxy: false,
        contextHooks: [
          async (context, request) => {
            const authorization = headerValue(request, 'authorization');
            const caller = authorization ? await verifier.verify(authorization) : null;
            // The real purpose rules: case-bound scopes (person:contact) count only with a case reference.
            const resolved = await resolvePurpose({ header: headerValue(request, policy.purposes.header), caller, policy, findCase });
            context.caller = resolved.caller;
            context.purpose = resolved.purpose;
          },
          limits.rateLimitHook,
        ],
      }),
      hooks: { metrics: basicMetrics },
      registry: new RegionRegistry([]),
      logger: silent,
    });
    const port = await listen(http);
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          http.closeAllConnections();
          http.close(() => resolve());
        }),
    );
    const url = `http://127.0.0.1:${port}/graphql`;

    return {
      url,
      received,
      alerts,
      token,
      async post(body, bearer, headers = {}) {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function startSubgraph(part: ContractPart, received: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const recorder: ApolloServerPlugin = {
    async requestDidStart({ request }) {
      if (request.query) received.push(request.query);
    },
  };
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: contractTypeDefs(part), resolvers: RESOLVERS[part] }),
    plugins: [recorder],
    logger: silent,
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
