import { describe, expect, it } from 'vitest';
import { decidableAt, evaluateExpression, loadPolicy, scopesFor, validatePolicy, type Fact } from './policy.ts';

const policy = loadPolicy();
const clone = () => JSON.parse(JSON.stringify(policy)) as Record<string, any>;

describe('the policy file', () => {
  it('loads, with the five demo roles and the case-bound contact scope', () => {
    expect(Object.keys(policy.roles)).toEqual(['patrol-officer', 'investigator', 'analyst', 'auditor', 'admin']);
    expect(policy.scopes['person:contact'].requiresCaseRef).toBe(true);
    expect(policy.purposes.codes.investigation.requiresCaseRef).toBe(true);
  });

  it('grants token scopes plus role scopes; unknown roles grant nothing', () => {
    expect([...scopesFor(policy, ['auditor', 'no-such-role'], ['case:read'])].sort()).toEqual(['audit:read', 'case:read']);
  });

  it('knows which policies only a subgraph can decide', () => {
    expect(decidableAt(policy, 'sameRegion')).toBe('subgraph');
    const raw = clone();
    raw.policies.ownRegionOnly = { description: 'x', when: [{ fact: 'caller.region', equals: 'JS' }] };
    expect(decidableAt(validatePolicy(raw), 'ownRegionOnly')).toBe('gateway');
  });
});

describe('validation names the bad entry', () => {
  const refused = (edit: (raw: Record<string, any>) => void, message: RegExp) => {
    const raw = clone();
    edit(raw);
    expect(() => validatePolicy(raw, 'schema/policy.json')).toThrow(message);
  };

  it('a role granting an unknown scope', () =>
    refused((r) => {
      r.roles.investigator.scopes.push('case:detail');
    }, /schema\/policy.json: roles.investigator.scopes\[8\]: unknown scope "case:detail"/));
  it('a data rule naming an unknown policy', () =>
    refused((r) => {
      r.dataRules['PersonRecord.phone'] = [['sameRegoin']];
    }, /dataRules.PersonRecord.phone\[0\]\[0\]: unknown policy "sameRegoin"/));
  it('a condition on an unknown fact', () =>
    refused((r) => {
      r.policies.sameRegion.when[0].fact = 'record.owner';
    }, /policies.sameRegion.when\[0\].fact: unknown fact "record.owner"/));
  it('includes on a single-valued fact', () =>
    refused((r) => {
      r.policies.sameRegion.when = [{ fact: 'caller.region', includes: 'JS' }];
    }, /"includes" needs a list fact, but "caller.region" is single-valued/));
  it('an empty policy (would allow everything)', () =>
    refused((r) => {
      r.policies.sameRegion.when = [];
    }, /at least one condition/));
  it('a misspelt key', () =>
    refused((r) => {
      r.purposes.code = r.purposes.codes;
    }, /purposes.code: unknown entry/));
  it('a purpose code that is not a simple token', () =>
    refused((r) => {
      r.purposes.codes['Patrol Check'] = { description: 'x' };
    }, /purposes.codes.Patrol Check: a purpose code is lower-case/));
});

describe('evaluation', () => {
  const facts = (values: Partial<Record<Fact, unknown>>) => (fact: Fact) => values[fact];

  it("sameRegion compares the record's region with the caller's, and an absent region never matches", async () => {
    expect(await evaluateExpression(policy, [['sameRegion']], facts({ 'record.region': 'JS', 'caller.region': 'JS' }))).toBe(true);
    expect(await evaluateExpression(policy, [['sameRegion']], facts({ 'record.region': 'JS', 'caller.region': 'GZ' }))).toBe(false);
    expect(await evaluateExpression(policy, [['sameRegion']], facts({}))).toBe(false);
  });

  it('assistanceLink needs the investigator role and the record among those answered to the case', async () => {
    const base = { 'caller.roles': ['investigator'], 'record.id': 'GZ:P-1', 'assistance.answeredRecordIds': ['GZ:P-2', 'GZ:P-1'] };
    expect(await evaluateExpression(policy, [['assistanceLink']], facts(base))).toBe(true);
    expect(await evaluateExpression(policy, [['assistanceLink']], facts({ ...base, 'caller.roles': ['analyst'] }))).toBe(false);
    expect(await evaluateExpression(policy, [['assistanceLink']], facts({ ...base, 'assistance.answeredRecordIds': ['GZ:P-2'] }))).toBe(
      false,
    );
  });

  it("assistingTeam needs a record of the case's own region whose person is a party", async () => {
    const base = { 'record.region': 'JS', 'purposeCase.region': 'JS', 'record.idNumber': 'A', 'purposeCase.partyIdNumbers': ['B', 'A'] };
    expect(await evaluateExpression(policy, [['assistingTeam']], facts(base))).toBe(true);
    expect(await evaluateExpression(policy, [['assistingTeam']], facts({ ...base, 'record.region': 'GZ' }))).toBe(false);
    expect(await evaluateExpression(policy, [['assistingTeam']], facts({ ...base, 'purposeCase.partyIdNumbers': ['B'] }))).toBe(false);
  });

  it('reads an expensive fact only when a condition needs it', async () => {
    let lookups = 0;
    const source = (fact: Fact) =>
      fact === 'assistance.answeredRecordIds' ? (lookups++, ['A']) : fact === 'caller.roles' ? ['analyst'] : 'A';
    expect(await evaluateExpression(policy, [['assistanceLink']], source)).toBe(false);
    expect(lookups).toBe(0);
  });
});
