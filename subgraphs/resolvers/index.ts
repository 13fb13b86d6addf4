/**
 * Resolvers of the **index** part: the global Person and Vehicle, as this region sees them.
 *
 * The gateway asks every region for the same key and deep-merges the answers, so each
 * region answers only from what it holds, and answers in a shape that merges cleanly:
 * - lists (`records`, `cases`, `vehicles`, `wantedNotices`, `alerts`, `regions`) hold this
 *   region's items only, and are empty — never null — when it holds nothing; the
 *   gateway concatenates them in region order;
 * - `idNumber`, `plate`, `birthDate`, `sex` are derived from the key, so every region
 *   gives the same value and the merge keeps it;
 * - `wanted` / `alerted` are this region's own verdict; a region holding nothing says
 *   false, so the gateway must merge these two with OR (not as conflicting scalars);
 * - entities (`_entities`) for a key this region does not hold are the key with empty
 *   lists, never null: a null would look like an error to the merge; the root fields
 *   `person` / `vehicle` return null instead, so "no region holds it" stays null.
 * Region-owned records listed here (`records`, `vehicles`, `wantedNotices`, `alerts`,
 * `cases`) are this region's own, so their plain fields are served here too (the
 * contract's `@provides`); the rest of them is resolved by the records part. A case link
 * whose selection is only its `id` is answered with the id, without reading the case.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { GraphQLResolveInfo } from 'graphql';
import { idNumberFacts } from '../../common/normalise/index.ts';
import type { SubgraphContext as Ctx } from '../context.ts';
import { idNumberArg, plateArg, regionAsked } from '../arguments.ts';
import { ownedFields, personRecordFields, selectsKeyOnly } from './owned.ts';

interface PersonKey {
  idNumber: string;
}
interface VehicleKey {
  plate: string;
}

/** A case this region owns, as a link: the key alone when nothing else is selected. */
const caseLink = (ctx: Ctx, caseId: string, info: GraphQLResolveInfo) =>
  selectsKeyOnly(info) ? { id: caseId } : ctx.loaders.casesById.load(caseId);
const personRecords = (ctx: Ctx, p: PersonKey) => ctx.loaders.personRecordsByIdNumber.load(p.idNumber);
const involvements = (ctx: Ctx, p: PersonKey) => ctx.loaders.involvementsByIdNumber.load(p.idNumber);
const ownedVehicles = (ctx: Ctx, p: PersonKey) => ctx.loaders.vehicleRecordsByOwner.load(p.idNumber);
const notices = (ctx: Ctx, p: PersonKey) => ctx.loaders.wantedNoticesByIdNumber.load(p.idNumber);
const registrations = (ctx: Ctx, v: VehicleKey) => ctx.loaders.vehicleRecordsByPlate.load(v.plate);
const caseIdsOf = (ctx: Ctx, v: VehicleKey) => ctx.loaders.casesByPlate.load(v.plate);
const alerts = (ctx: Ctx, v: VehicleKey) => ctx.loaders.vehicleAlertsByPlate.load(v.plate);

/**
 * Whether this region holds anything about the person. The lists a lookup shows anyway
 * (records, notices for `wanted`) are asked first; the person's cases and vehicles only when
 * those two are empty. Most persons asked are held by a record, so most lookups make two
 * adapter calls, not four (for GZ each is an HTTP call to its legacy service). The loaders
 * still batch every key of the request: each step is one call per lookup kind.
 */
async function holdsPerson(ctx: Ctx, p: PersonKey): Promise<boolean> {
  const shown = await Promise.all([personRecords(ctx, p), notices(ctx, p)]);
  if (shown.some((list) => list.length > 0)) return true;
  const rest = await Promise.all([involvements(ctx, p), ownedVehicles(ctx, p)]);
  return rest.some((list) => list.length > 0);
}

/** As for a person: registrations and alerts (what a lookup shows) first, the plate's cases only when both are empty. */
async function holdsVehicle(ctx: Ctx, v: VehicleKey): Promise<boolean> {
  const shown = await Promise.all([registrations(ctx, v), alerts(ctx, v)]);
  if (shown.some((list) => list.length > 0)) return true;
  return (await caseIdsOf(ctx, v)).length > 0;
}

export const indexResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    person: async (_root, args: { idNumber: string; regions?: string[] | null }, ctx) => {
      const key = { idNumber: idNumberArg(args.idNumber) };
      if (!regionAsked(args.regions, ctx.region)) return null;
      return (await holdsPerson(ctx, key)) ? key : null;
    },
    vehicle: async (_root, args: { plate: string; regions?: string[] | null }, ctx) => {
      const key = { plate: plateArg(args.plate) };
      if (!regionAsked(args.regions, ctx.region)) return null;
      return (await holdsVehicle(ctx, key)) ? key : null;
    },
  },
  Person: {
    // Normalise again: a representation may come from any client of the subgraph. Async, so
    // a bad key fails its own entity: @apollo/subgraph maps representations synchronously.
    __resolveReference: async (ref: { idNumber: unknown }): Promise<PersonKey> => ({ idNumber: idNumberArg(ref.idNumber) }),
    birthDate: (p: PersonKey) => idNumberFacts(p.idNumber).birthDate,
    sex: (p: PersonKey) => idNumberFacts(p.idNumber).sex,
    regions: async (p: PersonKey, _args, ctx) => ((await holdsPerson(ctx, p)) ? [ctx.region] : []),
    records: (p: PersonKey, _args, ctx) => personRecords(ctx, p),
    cases: (p: PersonKey, _args, ctx) => involvements(ctx, p),
    vehicles: (p: PersonKey, _args, ctx) => ownedVehicles(ctx, p),
    wantedNotices: (p: PersonKey, _args, ctx) => notices(ctx, p),
    wanted: async (p: PersonKey, _args, ctx) => (await notices(ctx, p)).some((n) => n.status === 'AT_LARGE'),
  },
  Vehicle: {
    __resolveReference: async (ref: { plate: unknown }): Promise<VehicleKey> => ({ plate: plateArg(ref.plate) }),
    regions: async (v: VehicleKey, _args, ctx) => ((await holdsVehicle(ctx, v)) ? [ctx.region] : []),
    records: (v: VehicleKey, _args, ctx) => registrations(ctx, v),
    cases: async (v: VehicleKey, _args, ctx, info) =>
      (await Promise.all((await caseIdsOf(ctx, v)).map((id) => caseLink(ctx, id, info)))).filter((c) => c !== null),
    alerts: (v: VehicleKey, _args, ctx) => alerts(ctx, v),
    alerted: async (v: VehicleKey, _args, ctx) => (await alerts(ctx, v)).some((a) => a.active),
  },
  CaseInvolvement: {
    case: (involvement: { caseId: string }, _args, ctx, info) => caseLink(ctx, involvement.caseId, info),
  },
  PersonRecord: personRecordFields,
  Case: ownedFields,
  VehicleRecord: ownedFields,
  WantedNotice: ownedFields,
  VehicleAlert: ownedFields,
};
