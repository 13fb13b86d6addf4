/**
 * The auditors' queries, served by the gateway's own in-process subgraph: who accessed
 * a person / case / plate, when and why; what an officer accessed; filtered by time,
 * outcome and region; newest first with cursor paging. Every field needs the
 * `audit:read` scope, and — being ordinary operations through the gateway — these
 * queries are audited like any other.
 */
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { NormalisationError, normaliseIdNumber, normalisePlate, quoteInput } from '../../common/normalise/index.ts';
import type { AuditQuery, IndexedRecord } from './index-store.ts';
import type { AuditIndexReader } from './index-thread.ts';
import type { OperationStore } from './operations-store.ts';
import type { AuditOutcome } from '../../common/audit/outcome.ts';

export const typeDefs: DocumentNode = parse(/* GraphQL */ `
  extend type Query {
    "Audit records matching the filter, newest first. Example: who looked at a person — \`filter: { personIdNumber: \\"…\\" }\`."
    auditRecords(filter: AuditFilter!, "Page size (1–200)." first: Int = 50, "The endCursor of the previous page." after: String): AuditRecordConnection!
      @requiresScopes(scopes: [["audit:read"]])
    "The officers with at least one record matching the filter (e.g. every officer whose responses contained a person), with counts."
    auditAccessors(filter: AuditFilter!): [AuditAccessor!]! @requiresScopes(scopes: [["audit:read"]])
    "One audit record by its audit id (the \`extensions.auditId\` of a response)."
    auditRecord(auditId: ID!): AuditRecord @requiresScopes(scopes: [["audit:read"]])
  }

  "All set fields must match."
  input AuditFilter {
    "Records whose response contained this person (15- or 18-digit identity number, normalised)."
    personIdNumber: String
    "Records whose response contained this case (Liandong id, e.g. JS:C-2026-000123)."
    caseId: ID
    "Records whose response contained this plate (normalised like any plate)."
    plate: String
    "Records of this officer (token subject)."
    officer: String
    "Records of officers of this region."
    officerRegion: String
    "Records of operations that asked this region."
    region: String
    outcomes: [AuditOutcome!]
    "From this instant (ISO 8601 date or date-time, inclusive)."
    from: String
    "Up to this instant (ISO 8601 date or date-time, inclusive)."
    to: String
  }

  enum AuditOutcome { ANSWERED PARTIAL DENIED INVALID RATE_LIMITED FAILED UNAUTHENTICATED }

  type AuditRecordConnection {
    edges: [AuditRecordEdge!]!
    pageInfo: AuditPageInfo!
  }

  type AuditRecordEdge {
    cursor: String!
    node: AuditRecord!
  }

  type AuditPageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  type AuditAccessor {
    officer: AuditOfficer!
    accesses: Int!
    firstAt: String!
    lastAt: String!
  }

  type AuditOfficer { sub: String! name: String! region: String! roles: [String!]! }
  type AuditPurpose { code: String! text: String! caseRef: String }
  type AuditRegionOutcome { region: String! subgraph: String! status: String! latencyMs: Float! }

  "One operation as the audit log recorded it."
  type AuditRecord {
    auditId: ID!
    "UTC, millisecond precision."
    at: String!
    "The gateway instance whose chain holds the record, and its position in that chain."
    instance: String!
    seq: Int!
    "Null for anonymous or unauthenticated requests."
    officer: AuditOfficer
    clientAddress: String!
    userAgent: String!
    purpose: AuditPurpose
    operationName: String
    operationType: String
    operationHash: String
    "The operation text (stored once per hash)."
    operationText: String
    "The variables as JSON."
    variables: String!
    fieldsRequested: [String!]!
    fieldsDenied: [String!]!
    "Whose data the response contained."
    persons: [String!]!
    cases: [String!]!
    plates: [String!]!
    records: [String!]!
    regions: [AuditRegionOutcome!]!
    outcome: AuditOutcome!
    errorCodes: [String!]!
    httpStatus: Int
    latencyMs: Float!
  }
`);

const MAX_PAGE = 200;

interface FilterInput {
  personIdNumber?: string | null;
  caseId?: string | null;
  plate?: string | null;
  officer?: string | null;
  officerRegion?: string | null;
  region?: string | null;
  outcomes?: string[] | null;
  from?: string | null;
  to?: string | null;
}

export interface AuditGraphServices {
  index: AuditIndexReader;
  operations: OperationStore;
}

/**
 * The own-subgraph module. Takes the services or a getter for them: the module is built
 * before the gateway opens its audit log, and its queries run only after.
 */
export function createAuditGraph(services: AuditGraphServices | (() => AuditGraphServices | null)) {
  const current = typeof services === 'function' ? services : () => services;
  const opened = (): AuditGraphServices => {
    const found = current();
    if (!found)
      throw new GraphQLError('the audit query index is not available (audit log not open, or AUDIT_INDEX=off)', {
        extensions: { code: 'AUDIT_UNAVAILABLE' },
      });
    return found;
  };
  const index = {
    find: (...args: Parameters<AuditIndexReader['find']>) => opened().index.find(...args),
    officers: (...args: Parameters<AuditIndexReader['officers']>) => opened().index.officers(...args),
    byAuditId: (auditId: string) => opened().index.byAuditId(auditId),
  };
  const operations = { text: (hash: string) => opened().operations.text(hash) };
  const resolvers = {
    Query: {
      auditRecords: async (_: unknown, args: { filter: FilterInput; first?: number; after?: string | null }) => {
        const first = pageSize(args.first ?? 50);
        const page = await guard(() => index.find(toQuery(args.filter), first, args.after ?? null));
        return {
          edges: page.edges,
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
        };
      },
      auditAccessors: async (_: unknown, args: { filter: FilterInput }) =>
        (await index.officers(toQuery(args.filter))).map((o) => ({
          officer: { sub: o.sub, name: o.name, region: o.region, roles: [] },
          accesses: o.accesses,
          firstAt: o.firstAt,
          lastAt: o.lastAt,
        })),
      auditRecord: (_: unknown, args: { auditId: string }) => index.byAuditId(args.auditId),
    },
    AuditRecord: {
      officer: (r: IndexedRecord) => r.officer,
      clientAddress: (r: IndexedRecord) => r.client.address,
      userAgent: (r: IndexedRecord) => r.client.userAgent,
      operationName: (r: IndexedRecord) => r.operation.name,
      operationType: (r: IndexedRecord) => r.operation.type,
      operationHash: (r: IndexedRecord) => r.operation.hash,
      operationText: (r: IndexedRecord) => (r.operation.hash ? operations.text(r.operation.hash) : null),
      variables: (r: IndexedRecord) => JSON.stringify(r.variables),
      fieldsRequested: (r: IndexedRecord) => r.fields.requested,
      fieldsDenied: (r: IndexedRecord) => r.fields.denied,
      persons: (r: IndexedRecord) => r.subjects.persons,
      cases: (r: IndexedRecord) => r.subjects.cases,
      plates: (r: IndexedRecord) => r.subjects.plates,
      records: (r: IndexedRecord) => r.subjects.records,
      outcome: (r: IndexedRecord) => r.outcome.toUpperCase().replace('-', '_'),
    },
  };
  return { typeDefs, resolvers };
}

function toQuery(filter: FilterInput): AuditQuery {
  return {
    person: optional(filter.personIdNumber, (v) => normalised(() => normaliseIdNumber(v))),
    case: optional(filter.caseId, (v) => v.trim()),
    plate: optional(filter.plate, (v) => normalised(() => normalisePlate(v))),
    officer: optional(filter.officer, (v) => v),
    officerRegion: optional(filter.officerRegion, (v) => v.toUpperCase()),
    region: optional(filter.region, (v) => v.toUpperCase()),
    outcomes: filter.outcomes?.map((o) => o.toLowerCase().replace('_', '-') as AuditOutcome),
    fromMs: optional(filter.from, (v) => instant('from', v)),
    toMs: optional(filter.to, (v) => instant('to', v, true)),
  };
}

function optional<T>(value: string | null | undefined, map: (v: string) => T): T | undefined {
  return value === null || value === undefined ? undefined : map(value);
}

function normalised(run: () => string): string {
  try {
    return run();
  } catch (error) {
    if (error instanceof NormalisationError) throw badInput(error.message);
    throw error;
  }
}

/** A date alone means the whole day: `to: "2026-11-29"` includes that day's last millisecond. */
function instant(name: string, value: string, endOfDay = false): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms))
    throw badInput(`filter.${name} is ${quoteInput(value)}; expected an ISO 8601 date (2026-11-29) or date-time (2026-11-29T21:30:00Z)`);
  return dateOnly && endOfDay ? ms + 86_400_000 - 1 : ms;
}

function pageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput(`first is ${first}; expected 1–${MAX_PAGE}`);
  return first;
}

async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RangeError) throw badInput(error.message);
    throw error;
  }
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}
