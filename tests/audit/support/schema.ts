/**
 * A small graph shaped like the contract (persons, their regional records, cases and
 * their parties) served by a plain Apollo Server with the real audit plugin, so the
 * plugin is tested without the federation gateway.
 */
import { buildSchema, GraphQLError } from 'graphql';
import { normaliseIdNumber } from '../../../common/normalise/index.ts';
import { newReport, type GatewayContext } from '../../../gateway/context.ts';

export const typeDefs = /* GraphQL */ `
  type Query {
    person(idNumber: String!): Person
    case(id: ID!): Case
    boom: String
  }
  type Person { idNumber: String! name: String! records: [PersonRecord!]! }
  type PersonRecord { id: ID! idNumber: String! name: String! region: String! }
  type Case { id: ID! parties: [CaseParty!]! }
  type CaseParty { role: String! person: Person! }
`;

function person(idNumber: string) {
  const normalised = normaliseIdNumber(idNumber);
  return {
    idNumber: normalised,
    name: `Person ${normalised.slice(-4)}`,
    records: [{ id: `JS:P-${normalised.slice(-6)}`, idNumber: normalised, name: 'Zhang', region: 'JS' }],
  };
}

export const resolvers = {
  Query: {
    person: (_: unknown, args: { idNumber: string }) => {
      try {
        return person(args.idNumber);
      } catch (error) {
        throw new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT' } });
      }
    },
    case: (_: unknown, args: { id: string }) => ({ id: args.id, parties: [{ role: 'SUSPECT', person: person('320102198001011238') }] }),
    boom: () => {
      throw new GraphQLError('region exploded', { extensions: { code: 'REGION_UNAVAILABLE' } });
    },
  },
};

/** The schema alone (for walking operations without a server). */
export function testSchema() {
  return buildSchema(typeDefs);
}

export function contextFor(officer: string | null, requestId: string): GatewayContext {
  return {
    requestId,
    startedAt: Date.now(),
    clientAddress: '127.0.0.1',
    userAgent: 'vitest',
    caller: officer
      ? { sub: officer, name: `Officer ${officer}`, region: 'JS', roles: ['investigator'], scopes: new Set(), anonymous: false }
      : null,
    purpose: { code: 'CASE', text: 'investigation', caseRef: 'JS:C-2026-000001' },
    authorisationPartition: officer ?? 'anonymous',
    denied: [],
    report: { ...newReport(), regions: [{ region: 'JS', subgraph: 'index', status: 'hit', latencyMs: 2 }] },
  };
}
