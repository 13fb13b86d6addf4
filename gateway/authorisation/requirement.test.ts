/** Requirement semantics (Apollo's: outer list OR, inner list AND) and policy decisions from the policy file. */
import { describe, expect, it } from 'vitest';
import { loadPolicy, type Policy } from '../../schema/policy.ts';
import type { Caller, Purpose } from '../context.ts';
import { callerFacts, policyFileDecider } from './caller-facts.ts';
import { both, factsKey, missing, type CallerFacts, type Requirement } from './requirement.ts';

const req = (r: Partial<Requirement>): Requirement => ({ authenticated: false, scopes: [], policies: [], ...r });
const facts = (scopes: string[], policies: Record<string, boolean> = {}): CallerFacts => ({
  authenticated: true,
  scopes: new Set(scopes),
  policies: new Map(Object.entries(policies)),
});

describe('missing()', () => {
  const r = req({ scopes: [['a', 'b'], ['c']] });

  it('is empty when one AND-group is fully held', () => {
    expect(missing(r, facts(['a', 'b']))).toEqual([]);
    expect(missing(r, facts(['c']))).toEqual([]);
  });

  it('names what each alternative still lacks', () => {
    expect(missing(r, facts(['a']))).toEqual(['scope b or scope c']);
    expect(missing(r, facts([]))).toEqual(['(scope a and scope b) or scope c']);
  });

  it('lists authentication, scopes and policies separately', () => {
    const all = req({ authenticated: true, scopes: [['x']], policies: [['p']] });
    expect(missing(all, { ...facts([]), authenticated: false })).toEqual(['authentication', 'scope x', 'policy p']);
  });
});

describe('both()', () => {
  it('multiplies out OR-of-AND lists: (a or b) and c = (a and c) or (b and c)', () => {
    expect(both(req({ scopes: [['a'], ['b']] }), req({ scopes: [['c']] })).scopes).toEqual([
      ['a', 'c'],
      ['b', 'c'],
    ]);
  });
});

describe('factsKey()', () => {
  it('is the same for the same facts in any order, and differs when a policy outcome differs', () => {
    expect(factsKey(facts(['b', 'a']))).toBe(factsKey(facts(['a', 'b'])));
    expect(factsKey(facts([], { p: true }))).not.toBe(factsKey(facts([], { p: false })));
  });
});

describe('policies from the policy file', () => {
  const base = loadPolicy();
  const policy: Policy = {
    ...base,
    policies: { ...base.policies, investigatorOnly: { description: 'test', when: [{ fact: 'caller.roles', includes: 'investigator' }] } },
  };
  const caller = (roles: string[]): Caller => ({ sub: 's', name: 's', region: 'JS', roles, scopes: new Set(), anonymous: false });
  const purpose: Purpose = { code: 'investigation', text: '', caseRef: 'JS:C-1' };

  it('decides caller-only policies at the gateway, once per request', async () => {
    const decide = policyFileDecider(policy, ['investigatorOnly']);
    expect((await callerFacts(caller(['investigator']), purpose, ['investigatorOnly'], decide)).policies.get('investigatorOnly')).toBe(
      true,
    );
    expect((await callerFacts(caller(['patrol-officer']), purpose, ['investigatorOnly'], decide)).policies.get('investigatorOnly')).toBe(
      false,
    );
  });

  it('leaves record-dependent policies to the subgraph that holds the record', async () => {
    const decide = policyFileDecider(policy, ['sameRegion']);
    expect((await decide(['sameRegion'], caller([]), null)).get('sameRegion')).toBe(true);
  });

  it('refuses at start a @policy name the file does not define', () => {
    expect(() => policyFileDecider(policy, ['sameRegoin'])).toThrow(/"sameRegoin", which the policy file does not define/);
  });

  it('an anonymous or absent caller is not authenticated', async () => {
    const decide = policyFileDecider(policy, []);
    expect((await callerFacts(null, null, [], decide)).authenticated).toBe(false);
    expect((await callerFacts({ ...caller([]), anonymous: true }, null, [], decide)).authenticated).toBe(false);
  });
});
