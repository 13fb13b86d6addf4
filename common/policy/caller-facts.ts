/**
 * The caller and purpose facts of the policy language (schema/policy.ts), one reading for
 * both servers: the gateway decides the policies that test only these facts before
 * planning; a regional subgraph decides the rest per record, with these facts plus the
 * record's own (subgraphs/security/record-facts.ts).
 */
import type { Fact } from '../../schema/policy.ts';
import type { Officer, Purpose } from '../officer.ts';

/** An authenticated officer with their scopes (a set at the gateway, a list in the internal token). */
export interface FactCaller extends Officer {
  scopes: Iterable<string>;
}

/** A caller or purpose fact; `undefined` for a fact about the record, which only the data's home knows. */
export function callerFact(fact: Fact, caller: FactCaller | null, purpose: Purpose | null): unknown {
  switch (fact) {
    case 'caller.sub':
      return caller?.sub;
    case 'caller.region':
      return caller?.region;
    case 'caller.roles':
      return caller?.roles ?? [];
    case 'caller.scopes':
      return caller ? [...caller.scopes] : [];
    case 'purpose.code':
      return purpose?.code;
    case 'purpose.caseRef':
      return purpose?.caseRef ?? undefined;
    case 'purposeCase.region': {
      const ref = purpose?.caseRef;
      return ref?.includes(':') ? ref.slice(0, ref.indexOf(':')) : undefined;
    }
    default:
      return undefined;
  }
}
