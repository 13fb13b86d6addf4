/**
 * The caller's facts for authorisation: authenticated or not, scopes, and the outcome
 * of every named policy the supergraph mentions — each policy evaluated once per
 * request, whatever the number of fields that name it.
 *
 * Named policies come from the policy file (schema/policy.ts). A policy that tests
 * only caller and purpose facts is decided here. One that tests the record itself
 * (`record.region`, `purposeCase.*`) cannot be decided before the data exists: the
 * gateway lets it through and the subgraph holding the record decides it, per record,
 * with the graphql-shield rule generated from the same policy file.
 */
import { decidableAt, evaluatePolicy, type Fact, type Policy } from '../../schema/policy.ts';
import { callerFact } from '../../common/policy/caller-facts.ts';
import type { Caller, Purpose } from '../context.ts';
import type { CallerFacts } from './requirement.ts';

/** Decides the named policies for one caller and purpose. */
export type PolicyDecider = (names: readonly string[], caller: Caller | null, purpose: Purpose | null) => Promise<Map<string, boolean>>;

export function isAuthenticated(caller: Caller | null): boolean {
  return caller !== null && !caller.anonymous;
}

export async function callerFacts(
  caller: Caller | null,
  purpose: Purpose | null,
  policyNames: readonly string[],
  decide: PolicyDecider,
): Promise<CallerFacts> {
  return {
    authenticated: isAuthenticated(caller),
    scopes: caller?.scopes ?? new Set(),
    policies: policyNames.length > 0 ? await decide(policyNames, caller, purpose) : new Map(),
  };
}

/**
 * The policy file's evaluator over what the gateway knows: the caller and the purpose.
 * `required` are the policies the supergraph's `@policy` directives name; one the file
 * does not define stops start-up rather than failing (or passing) requests later.
 */
export function policyFileDecider(policy: Policy, required: readonly string[]): PolicyDecider {
  const unknown = required.filter((name) => !(name in policy.policies));
  if (unknown.length > 0) {
    throw new Error(
      `@policy names ${unknown.map((n) => `"${n}"`).join(', ')}, which the policy file does not define (it defines: ${Object.keys(policy.policies).join(', ') || 'none'})`,
    );
  }
  return async (names, caller, purpose) => {
    const source = (fact: Fact): unknown => callerFact(fact, caller, purpose);
    const outcomes = new Map<string, boolean>();
    for (const name of names) {
      if (!(name in policy.policies)) outcomes.set(name, false);
      else if (decidableAt(policy, name) === 'subgraph') outcomes.set(name, true);
      else outcomes.set(name, await evaluatePolicy(policy, name, source));
    }
    return outcomes;
  };
}
