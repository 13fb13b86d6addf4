/**
 * Need-to-know over real processes (seeded stand-ins, three regional subgraphs, the
 * gateway): naming an existing case in X-Purpose unlocks contact details only for an
 * officer the case's region lists on it. Two investigators of the same region name the
 * same case: the case's lead sees its parties' addresses and phones in the case's region
 * (other regions' need an answered assistance request, tests/integration/assistance.test.ts);
 * an investigator the region does not list gets FORBIDDEN on exactly those fields, with
 * a message naming the case and a stable reason, and still gets everything else. The
 * entity cache is on: the unassigned officer asks second and must not be served the
 * lead's cached contact details.
 */
import { describe, expect, it } from 'vitest';
import { seededSystem, type GraphQLResponse } from '../support/system.ts';

const seeded = seededSystem();

const SUSPECT = `query Suspect($id: String!) {
  person(idNumber: $id) { idNumber records { id region name address phone } }
}`;

const contactErrors = (reply: GraphQLResponse) => (reply.errors ?? []).filter((e) => ['address', 'phone'].includes(String(e.path?.at(-1))));

describe('need-to-know for case-bound scopes', () => {
  const purpose = () => `investigation; case=${seeded.system.scenarios.crossRegionCase.caseId}`;
  const unassigned = 'JS-0999999';

  it('the seeded case lists its officers, and the officer used as "unassigned" is not among them', () => {
    const { officers } = seeded.system.scenarios.crossRegionCase;
    expect(officers[0]).toBe('JS-0310552');
    expect(officers).not.toContain(unassigned);
  });

  it("grants the case's contact details to an officer assigned to the case", async () => {
    const { suspectIdNumber, officers } = seeded.system.scenarios.crossRegionCase;
    const reply = await seeded.system.query(
      SUSPECT,
      { id: suspectIdNumber },
      { roles: ['investigator'], region: 'JS', sub: officers[0], purpose: purpose() },
    );
    expect(reply.status).toBe(200);
    const records = reply.data.person.records as { region: string; address: string | null; phone: string | null }[];
    expect(records.map((r) => r.region).sort()).toEqual(['GZ', 'HB', 'JS']);
    // The case's own region (JS) grants them; another region's records of the suspect need an
    // answered assistance request (#14: answering grants exactly the answered records).
    const js = records.find((r) => r.region === 'JS')!;
    expect(typeof js.address === 'string' || typeof js.phone === 'string').toBe(true);
    for (const other of records.filter((r) => r.region !== 'JS')) expect([other.address, other.phone]).toEqual([null, null]);
    const jsIndex = records.indexOf(js);
    expect(contactErrors(reply).length).toBeGreaterThan(0);
    expect(contactErrors(reply).every((e) => e.extensions?.code === 'FORBIDDEN' && e.path?.[2] !== jsIndex)).toBe(true);
  });

  it('refuses them to an unassigned investigator naming the same case: FORBIDDEN naming the case, the rest answered', async () => {
    const { suspectIdNumber, caseId } = seeded.system.scenarios.crossRegionCase;
    const reply = await seeded.system.query(
      SUSPECT,
      { id: suspectIdNumber },
      { roles: ['investigator'], region: 'JS', sub: unassigned, purpose: purpose() },
    );
    expect(reply.status).toBe(200);
    const records = reply.data.person.records as { region: string; name: string; address: string | null; phone: string | null }[];
    expect(records.map((r) => r.region).sort()).toEqual(['GZ', 'HB', 'JS']);
    expect(records.every((r) => typeof r.name === 'string' && r.address === null && r.phone === null)).toBe(true);
    const errors = contactErrors(reply);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'not-assigned-to-case' });
      expect(error.message).toContain(`officer ${unassigned} is not assigned to case ${caseId}`);
    }
  });

  it('still lets the unassigned investigator read the case itself (case:read needs no assignment)', async () => {
    const { caseId } = seeded.system.scenarios.crossRegionCase;
    const reply = await seeded.system.query(
      `query C($id: ID!) { case(id: $id) { id type } }`,
      { id: caseId },
      { roles: ['investigator'], region: 'JS', sub: unassigned, purpose: purpose() },
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data.case.id).toBe(caseId);
  });

  it("does not let an officer ask the region about another officer's assignment", async () => {
    const { caseId, officers } = seeded.system.scenarios.crossRegionCase;
    const reply = await seeded.system.query(
      `query A($id: ID!, $o: ID!) { case(id: $id) { id assigned(officer: $o) } }`,
      { id: caseId, o: officers[0] },
      { roles: ['investigator'], region: 'JS', sub: unassigned, purpose: 'analysis' },
    );
    expect(reply.data?.case ?? null).toBeNull();
    expect(reply.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'not-own-officer-id' });
  });
});
