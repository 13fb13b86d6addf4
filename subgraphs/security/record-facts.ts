/**
 * The facts a named policy is decided on, as a regional subgraph knows them.
 *
 * Caller and purpose come from the gateway's internal token (see request-guard.ts);
 * the record is the parent object the field belongs to; the purpose's case is read at
 * the data's home when this region owns it (through the request's DataLoader, so fifty
 * person records cost one case lookup), and otherwise taken from the parties the
 * gateway attested in the signed token after asking the owning region.
 */
import type { CaseOfficer, CaseRecord } from '../../adapters/adapter.ts';
import { officerIdOf, toHalfWidth } from '../../common/normalise/index.ts';
import { callerFact } from '../../common/policy/caller-facts.ts';
import type { Fact, FactSource } from '../../schema/policy.ts';
import type { SubgraphContext } from '../context.ts';
import type { InternalCaller, InternalPurpose } from '../../common/security/internal-token.ts';

/** The context fields the request guard adds. */
export function callerOf(context: SubgraphContext): InternalCaller | null {
  const caller = context.caller as InternalCaller | undefined;
  return caller && typeof caller.sub === 'string' ? caller : null;
}

export function purposeOf(context: SubgraphContext): InternalPurpose | null {
  return (context.purpose as InternalPurpose | null | undefined) ?? null;
}

/** `args`: the field's arguments (an assistance mutation's `input.toRegion` or `id` say which region it addresses). */
export function recordFacts(record: Record<string, unknown>, context: SubgraphContext, args: Record<string, unknown> = {}): FactSource {
  const caller = callerOf(context);
  const purpose = purposeOf(context);
  return (fact: Fact) => {
    switch (fact) {
      // Assignments hold police numbers in Liandong's form: so does the caller here.
      case 'caller.sub':
        return caller ? policeNumber(caller.sub) : undefined;
      case 'record.region':
        return typeof record.region === 'string' ? record.region : context.region;
      case 'record.idNumber':
        return record.idNumber;
      case 'record.id':
        return typeof record.id === 'string'
          ? `${typeof record.region === 'string' ? record.region : context.region}:${record.id}`
          : undefined;
      case 'region.code':
        return context.region;
      case 'request.region':
        return addressedRegion(args);
      case 'assistance.answeredRecordIds':
        return answeredRecordIds(caller, purpose, context);
      case 'purposeCase.partyIdNumbers':
        return purposeCaseParties(purpose, context);
      case 'purposeCase.officerIds':
        return purposeCaseOfficers(caller, purpose, context);
      default:
        return callerFact(fact, caller, purpose);
    }
  };
}

async function purposeCaseParties(purpose: InternalPurpose | null, context: SubgraphContext): Promise<string[]> {
  if (!purpose?.caseRef) return [];
  const separator = purpose.caseRef.indexOf(':');
  const region = purpose.caseRef.slice(0, separator);
  if (region !== context.region) return purpose.caseParties ?? [];
  const found = (await context.loaders.casesById.load(purpose.caseRef.slice(separator + 1))) as CaseRecord | null;
  return found ? found.parties.map((party) => party.idNumber) : [];
}

/**
 * The officers of the purpose's case. Where the case lives the region reads its own
 * assignments (need-to-know does not rest on the gateway's word there); for another
 * region's case it knows only what the gateway attested after asking that region:
 * whether the caller is on it. The caller's number is normalised as the assignments are.
 */
async function purposeCaseOfficers(
  caller: InternalCaller | null,
  purpose: InternalPurpose | null,
  context: SubgraphContext,
): Promise<string[]> {
  if (!purpose?.caseRef || !caller) return [];
  const separator = purpose.caseRef.indexOf(':');
  const region = purpose.caseRef.slice(0, separator);
  if (region !== context.region) return purpose.callerAssigned === true ? [policeNumber(caller.sub)] : [];
  const officers = (await context.loaders.caseOfficersById.load(purpose.caseRef.slice(separator + 1))) as CaseOfficer[];
  return officers.map((officer) => officer.officerId);
}

/** Policies compare `caller.sub` with assignments: a police number in another spelling is compared in Liandong's form. */
function policeNumber(sub: string): string {
  return officerIdOf(sub) ?? sub;
}

/** The region an assistance field addresses: its `input.toRegion`, else the prefix of its `id`. */
function addressedRegion(args: Record<string, unknown>): string | undefined {
  const input = args.input as { toRegion?: unknown } | undefined;
  if (typeof input?.toRegion === 'string') return toHalfWidth(input.toRegion).trim().toUpperCase();
  if (typeof args.id === 'string' && args.id.includes(':')) return args.id.slice(0, args.id.indexOf(':')).trim().toUpperCase();
  return undefined;
}

const answered = new WeakMap<SubgraphContext, Promise<string[]>>();

/**
 * What answering granted: the records this region gave in its answers to requests of the
 * purpose's case made from the caller's region, read from the region's own desk once per
 * request (every contact field of every record asks).
 */
function answeredRecordIds(caller: InternalCaller | null, purpose: InternalPurpose | null, context: SubgraphContext): Promise<string[]> {
  const desk = context.adapter.assistance;
  if (!caller || !purpose?.caseRef || !desk) return Promise.resolve([]);
  let ids = answered.get(context);
  if (!ids) {
    const caseRef = purpose.caseRef;
    ids = desk.inbox('ANSWERED').then((requests) =>
      requests
        // An answer the region's own system has not taken in yet (a drop folder's) grants nothing yet.
        .filter((r) => r.caseRef === caseRef && r.fromRegion === caller.region && !r.awaiting?.includes('ANSWERED'))
        .flatMap((r) => r.answeredRecords),
    );
    answered.set(context, ids);
  }
  return ids;
}
