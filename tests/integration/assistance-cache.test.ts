/**
 * The entity and response caches never serve an old FORBIDDEN after an assistance answer
 * widens what the requester may see (issue #14), over real processes with both caches on.
 *
 * Why it holds: a region's answer with an error in it (the denied phone is null with a
 * FORBIDDEN error at its path) is never stored — the entity cache keeps only the entities
 * no error touched, and the response cache only answers that came back clean
 * (gateway/cache/entity-cache.ts `splice`, response-trace.ts). So the first read after the
 * answer asks GZ again, whose shield now grants the answered record.
 */
import { describe, expect, it } from 'vitest';
import { seededSystem, type Officer } from '../support/system.ts';

const seeded = seededSystem({ gatewayConfig: { cache: { enabled: true, responses: true, store: 'memory' } } });

const PHONES = 'query Phones($idNumber: String!) { person(idNumber: $idNumber) { records { id region phone } } }';
const REQUEST = 'mutation Ask($input: AssistanceRequestInput!) { requestAssistance(input: $input) { id } }';
const ANSWER = 'mutation Answer($id: ID!, $answer: AssistanceAnswerInput!) { answerAssistance(id: $id, answer: $answer) { status } }';

const scenario = () => seeded.system.scenarios.crossRegionCase;
const purpose = () => `assistance-request; case=${scenario().caseId}`;
const jsLead = (): Officer => ({ roles: ['investigator'], region: 'JS', sub: scenario().officers[0], purpose: purpose() });
const gzOfficer = (): Officer => ({ roles: ['investigator'], region: 'GZ', sub: 'GZ-0200001', purpose: purpose() });

const gzPhone = async () => {
  const reply = await seeded.system.query(PHONES, { idNumber: scenario().suspectIdNumber }, jsLead());
  const records = reply.data.person.records as Array<{ id: string; region: string; phone: string | null }>;
  const at = records.findIndex((r) => r.region === 'GZ');
  const record = records[at]!;
  // Only the GZ record's phone: the person's records in other regions stay denied (no request to them here).
  const path = JSON.stringify(['person', 'records', at, 'phone']);
  const forbidden = (reply.errors ?? []).some((e) => e.extensions?.code === 'FORBIDDEN' && JSON.stringify(e.path) === path);
  return { id: record.id, phone: record.phone, forbidden };
};

describe('an assistance answer and the caches', () => {
  it('the requester reads the answered record’s phone right after the answer, though the same query was denied (and asked twice) before', async () => {
    const { system } = seeded;
    // Before: denied, twice — the second time is where a cached FORBIDDEN would be served from;
    // GZ is asked again, as the denied answer was not kept.
    const before = await gzPhone();
    expect(before).toMatchObject({ phone: null, forbidden: true });
    system.regions.GZ.proxy.reset();
    expect(await gzPhone()).toEqual(before);
    expect(system.regions.GZ.proxy.graphqlRequests()).toBeGreaterThan(0);

    const asked = await system.query(
      REQUEST,
      {
        input: {
          case: scenario().caseId,
          toRegion: 'GZ',
          subjects: [scenario().suspectIdNumber],
          ask: ['CONTACT_DETAILS'],
          urgency: 'URGENT',
          idempotencyKey: `cache-${process.pid}`,
        },
      },
      jsLead(),
    );
    expect(asked.errors).toBeUndefined();
    const answered = await system.query(
      ANSWER,
      { id: asked.data.requestAssistance.id, answer: { note: '已核實', records: [before.id] } },
      gzOfficer(),
    );
    expect(answered.data?.answerAssistance).toEqual({ status: 'ANSWERED' });

    // After: the first read already sees it — no waiting for a TTL or an eviction.
    const after = await gzPhone();
    expect(after.id).toBe(before.id);
    expect(after.forbidden).toBe(false);
    expect(after.phone).toMatch(/\d{7,}/);
    // A clean answer is kept: the repeat comes from the cache (GZ not asked) and still shows it —
    // so the caches were on for this very query, and the denial above was not kept by choice.
    system.regions.GZ.proxy.reset();
    expect(await gzPhone()).toEqual(after);
    expect(system.regions.GZ.proxy.graphqlRequests()).toBe(0);
  });
});
