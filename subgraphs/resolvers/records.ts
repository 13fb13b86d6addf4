/**
 * Resolvers of the **records** part: region-owned entities, addressed by Liandong id.
 *
 * Parents are the adapter's own records (local ids); `id` adds the region prefix on the
 * way out. An id owned by another region resolves to null: the gateway routes by
 * prefix, so such a request is a caller's mistake, not something to forward.
 * Links to the global entities (Person, Vehicle) are key-only stubs that the gateway
 * resolves through the index part.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { CaseRecord, PersonRecord, VehicleAlert, VehicleRecord, WantedNotice } from '../../adapters/adapter.ts';
import type { SubgraphContext as Ctx } from '../context.ts';
import { localIdIn } from '../ids.ts';
import { ownedFields, personRecordFields } from './owned.ts';
import { callerOf } from '../security/record-facts.ts';
import { officerIdArg, ownOfficerId } from '../arguments.ts';

type ByIdMethod = 'personRecordsById' | 'casesById' | 'vehicleRecordsById' | 'wantedNoticesById' | 'vehicleAlertsById';

/** The record behind a Liandong id, when this region owns it. */
async function loadOwned(ctx: Ctx, method: ByIdMethod, id: unknown): Promise<unknown> {
  const localId = localIdIn(ctx.region, id);
  return localId === null ? null : ctx.loaders[method].load(localId);
}

/** What every region-owned entity shares: lookup by reference, prefixed id, owning region. */
function ownedEntity(method: ByIdMethod, fields: object = ownedFields) {
  return {
    __resolveReference: (ref: { id: unknown }, ctx: Ctx) => loadOwned(ctx, method, ref.id),
    ...fields,
  };
}

const personStub = (idNumber: string) => ({ idNumber });
const vehicleStub = (plate: string) => ({ plate });
const caseOf = (caseId: string | null, ctx: Ctx) => (caseId === null ? null : ctx.loaders.casesById.load(caseId));

export const recordsResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    case: (_root, args: { id: string }, ctx) => loadOwned(ctx, 'casesById', args.id),
    personRecord: (_root, args: { id: string }, ctx) => loadOwned(ctx, 'personRecordsById', args.id),
    vehicleRecord: (_root, args: { id: string }, ctx) => loadOwned(ctx, 'vehicleRecordsById', args.id),
  },
  PersonRecord: {
    ...ownedEntity('personRecordsById', personRecordFields),
    person: (record: PersonRecord) => personStub(record.idNumber),
  },
  Case: {
    ...ownedEntity('casesById'),
    parties: (record: CaseRecord) =>
      record.parties.map((party) => ({
        role: party.role,
        nameAsRecorded: party.nameAsRecorded,
        person: personStub(party.idNumber),
      })),
    vehicles: (record: CaseRecord) => record.vehiclePlates.map(vehicleStub),
    // Asked through the request's DataLoader: fifty cases' assignments cost one adapter call.
    assigned: async (record: CaseRecord, args: { officer: string }, ctx) => {
      const officer = ownOfficerId(officerIdArg(args.officer), callerOf(ctx)?.sub);
      const officers = await ctx.loaders.caseOfficersById.load(record.id);
      return officers.some((o) => o.officerId === officer);
    },
  },
  VehicleRecord: {
    ...ownedEntity('vehicleRecordsById'),
    vehicle: (record: VehicleRecord) => vehicleStub(record.plate),
    owner: (record: VehicleRecord) => (record.ownerIdNumber === null ? null : personStub(record.ownerIdNumber)),
  },
  WantedNotice: {
    ...ownedEntity('wantedNoticesById'),
    person: (record: WantedNotice) => personStub(record.idNumber),
    case: (record: WantedNotice, _args, ctx) => caseOf(record.caseId, ctx),
  },
  VehicleAlert: {
    ...ownedEntity('vehicleAlertsById'),
    vehicle: (record: VehicleAlert) => vehicleStub(record.plate),
    case: (record: VehicleAlert, _args, ctx) => caseOf(record.caseId, ctx),
  },
};
