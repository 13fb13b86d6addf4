/**
 * Assistance requests (協查) live, over real processes (issue #14): the regions publish
 * their requests' changes on their change streams, and the gateway pushes them, each event
 * resolved as `assistanceRequest(id)` under the subscriber's own token and audited.
 *
 * - A JS investigator asks GZ and follows the request over SSE: ACCEPTED, then ANSWERED.
 *   An HB officer following the same id gets each event without the request (FORBIDDEN by
 *   its policy) and without what happened; every pushed event has its audit record.
 * - A request written straight into GZ's system with a deadline already past is one
 *   ASSISTANCE_OVERDUE alert for GZ's duty desk and the requester, not for another
 *   region's desk — and not again after the GZ subgraph restarts.
 * - A request to HB: its answer arrives with HB's next export.
 *
 * It prints (does not assert) the time from each write to the event reaching the client.
 */
import { loadavg } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadAdapter } from '../../adapters/load.ts';
import { hbAssistanceCycle } from '../../standins/hb/assistance.ts';
import { seededSystem, type Officer } from '../support/system.ts';
import { liveGauge, sseSubscribe, waitFor, type LiveSubscription, type Received } from '../support/live.ts';

const seeded = seededSystem();

const REQUEST = 'mutation Ask($input: AssistanceRequestInput!) { requestAssistance(input: $input) { id status } }';
const ACCEPT = 'mutation Accept($id: ID!) { acceptAssistance(id: $id) { id status } }';
const ANSWER = 'mutation Answer($id: ID!, $answer: AssistanceAnswerInput!) { answerAssistance(id: $id, answer: $answer) { id status } }';
const UPDATES = `subscription Updates($ids: [ID!]) {
  assistanceUpdates(ids: $ids) { id kind region recordId assistanceChange assistanceRequest { id status fromRegion overdue } }
}`;
const DESK = `subscription Desk($regions: [String!]) {
  alerts(regions: $regions, kinds: [ASSISTANCE_OVERDUE, ASSISTANCE_STATUS]) { id kind region recordId assistanceChange assistanceRequest { id status overdue } }
}`;

const scenario = () => seeded.system.scenarios.crossRegionCase;
const purpose = () => `assistance-request; case=${scenario().caseId}`;
const jsLead = (): Officer => ({ roles: ['investigator'], region: 'JS', sub: scenario().officers[0], purpose: purpose() });
const gzOfficer = (): Officer => ({ roles: ['investigator'], region: 'GZ', sub: 'GZ-0200001', purpose: purpose() });
const hbOfficer = (): Officer => ({ roles: ['investigator'], region: 'HB', sub: '4200001', purpose: purpose() });
const jsPatrol: Officer = { roles: ['patrol-officer'], region: 'JS' };

let keys = 0;
const ask = (toRegion: string) => ({
  case: scenario().caseId,
  toRegion,
  subjects: [scenario().suspectIdNumber],
  ask: ['PERSON_RECORDS'],
  urgency: 'URGENT',
  idempotencyKey: `live-${process.pid}-${Date.now().toString(36)}-${++keys}`,
});

const printed = (what: string, since: number) =>
  console.info(`${what}: ${Math.round(performance.now() - since)} ms (load average ${loadavg()[0].toFixed(1)})`);

const field = (r: Received) => r.data?.assistanceUpdates ?? r.data?.alerts;
const about = (id: string, kind?: string) => (r: Received) => field(r)?.recordId === id && (!kind || field(r)?.kind === kind);

async function subscribe(query: string, variables: Record<string, unknown>, as: Officer): Promise<LiveSubscription> {
  const before = await liveGauge(seeded.system.gatewayUrl);
  const sub = await sseSubscribe(seeded.system.gatewayUrl, query, variables, { as, keysDir: seeded.system.keysDir });
  // Subscribed once the gateway counts it (the client connects asynchronously).
  await waitFor(async () => (await liveGauge(seeded.system.gatewayUrl)) > before || sub.error !== null);
  return sub;
}

/**
 * Closes and waits until the gateway has counted the subscriptions gone: `subscribe` reads the
 * gauge before it connects, so a close still in flight would hide the next subscription's count.
 */
async function unsubscribe(...subs: LiveSubscription[]): Promise<void> {
  const open = subs.filter((sub) => sub.error === null).length;
  const before = await liveGauge(seeded.system.gatewayUrl);
  for (const sub of subs) sub.close();
  await waitFor(async () => (await liveGauge(seeded.system.gatewayUrl)) <= before - open);
}

/** The event's audit record at the gateway: one per event per subscriber, under the subscriber's name. */
async function expectAudited(event: Received, sub: string): Promise<void> {
  const auditId = event.extensions?.auditId as string;
  expect(auditId).toEqual(expect.any(String));
  let record: { operationName: string; officer: { sub: string } } | null = null;
  await waitFor(async () => {
    const answer = await seeded.system.query(
      'query A($id: ID!) { auditRecord(auditId: $id) { operationName officer { sub } } }',
      { id: auditId },
      { roles: ['auditor'], region: 'JS', purpose: 'audit: live test' },
    );
    record = answer.data?.auditRecord ?? null;
    return record !== null;
  });
  expect(record!).toEqual({ operationName: 'LiveEvent', officer: { sub } });
}

describe('assistance requests pushed live', () => {
  it('the requester sees ACCEPTED then ANSWERED; an officer of another region gets each event without the request; every event audited', async () => {
    const { system } = seeded;
    // GZ's duty desk sees the request arrive (REQUESTED)…
    const gzDesk = await subscribe(DESK, { regions: ['GZ'] }, gzOfficer());
    const asked = await system.query(REQUEST, { input: ask('GZ') }, jsLead());
    expect(asked.errors).toBeUndefined();
    const id = asked.data.requestAssistance.id as string;
    const arrived = await gzDesk.next(about(id, 'ASSISTANCE_STATUS'));
    expect(field(arrived)).toMatchObject({ assistanceChange: 'REQUESTED', assistanceRequest: { id, status: 'PENDING' } });
    await unsubscribe(gzDesk);
    // …so the gateway has pushed it before these two subscribe: they see what follows only.
    const requester = await subscribe(UPDATES, { ids: [id] }, jsLead());
    const outsider = await subscribe(UPDATES, { ids: [id] }, hbOfficer());
    try {
      const accepting = performance.now();
      expect(await system.query(ACCEPT, { id }, gzOfficer())).toMatchObject({ data: { acceptAssistance: { status: 'ACCEPTED' } } });
      const accepted = await requester.next(about(id, 'ASSISTANCE_STATUS'));
      printed('GZ accept (mutation included) → requester', accepting);
      expect(field(accepted)).toMatchObject({
        kind: 'ASSISTANCE_STATUS',
        region: 'GZ',
        assistanceChange: 'ACCEPTED',
        assistanceRequest: { id, status: 'ACCEPTED', fromRegion: 'JS', overdue: false },
      });
      const records = await system.query(
        'query R($idNumber: String!) { person(idNumber: $idNumber) { records { id region } } }',
        { idNumber: scenario().suspectIdNumber },
        gzOfficer(),
      );
      const gzRecord = records.data.person.records.find((r: { region: string }) => r.region === 'GZ').id;
      const answered = await system.query(ANSWER, { id, answer: { note: '已核實', records: [gzRecord] } }, gzOfficer());
      expect(answered.data?.answerAssistance?.status).toBe('ANSWERED');
      const done = await requester.next((r) => about(id)(r) && field(r).assistanceChange === 'ANSWERED');
      expect(field(done).assistanceRequest).toMatchObject({ status: 'ANSWERED' });
      expect(requester.received.filter(about(id)).map((r) => field(r).assistanceChange)).toEqual(['ACCEPTED', 'ANSWERED']);

      // The HB officer named the id: the events come, but the request's policy (its two
      // regions' officers) refuses the request, and what happened to it is not said.
      const theirs = await outsider.next((r) => about(id)(r) && outsider.received.filter(about(id)).length >= 2);
      const seen = outsider.received.filter(about(id));
      expect(seen).toHaveLength(2);
      for (const event of seen) {
        expect(field(event)).toMatchObject({ assistanceChange: null, assistanceRequest: null });
        expect(event.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['assistanceUpdates', 'assistanceRequest'], 'FORBIDDEN']]);
      }
      expect(theirs).toBeDefined();
      for (const event of requester.received.filter(about(id))) await expectAudited(event, scenario().officers[0]);
      for (const event of seen) await expectAudited(event, '4200001');
    } finally {
      await unsubscribe(requester, outsider);
    }
  });

  it('refuses assistanceUpdates to an officer without an assistance scope, and ids that name no registered region', async () => {
    const patrol = await sseSubscribe(seeded.system.gatewayUrl, UPDATES, {}, { as: jsPatrol, keysDir: seeded.system.keysDir });
    await patrol.ended();
    expect(JSON.stringify(patrol.error)).toContain('FORBIDDEN');
    const bad = await sseSubscribe(seeded.system.gatewayUrl, UPDATES, { ids: ['XX:1'] }, { as: jsLead(), keysDir: seeded.system.keysDir });
    await bad.ended();
    expect(JSON.stringify(bad.error)).toContain('BAD_USER_INPUT');
  });

  it("a request past its deadline is one overdue alert for GZ's duty desk and the requester, not another region's, and not again after GZ restarts", async () => {
    const { system, dataDir } = seeded;
    const gzDesk = await subscribe(DESK, { regions: ['GZ'] }, gzOfficer());
    const requesterDesk = await subscribe(DESK, {}, jsLead());
    const hbDesk = await subscribe(DESK, {}, hbOfficer());
    const gz = await loadAdapter('GZ', { dataDir, settings: { serviceUrl: system.standins.GZ.url } });
    const hour = 3_600_000;
    // Straight into GZ's system: a request made three hours ago, due two hours ago.
    const overdue = (key: string) =>
      gz.assistance!.submit({
        idempotencyKey: `live-${process.pid}-${key}`,
        caseRef: scenario().caseId,
        fromRegion: 'JS',
        requestedBy: scenario().officers[0]!,
        subjects: [scenario().suspectIdNumber],
        ask: ['PERSON_RECORDS'],
        urgency: 'URGENT',
        note: null,
        requestedAt: new Date(Date.now() - 3 * hour).toISOString(),
        deadline: new Date(Date.now() - 2 * hour).toISOString(),
      });
    try {
      const written = performance.now();
      const first = `GZ:${(await overdue('first')).request.id}`;
      for (const sub of [gzDesk, requesterDesk]) {
        const event = await sub.next(about(first, 'ASSISTANCE_OVERDUE'));
        printed('overdue request written into GZ → alert', written);
        expect(field(event)).toMatchObject({ region: 'GZ', assistanceChange: 'OVERDUE', assistanceRequest: { id: first, overdue: true } });
      }
      await expectAudited(await gzDesk.next(about(first, 'ASSISTANCE_OVERDUE')), 'GZ-0200001');

      await system.regions.GZ.stop();
      await system.regions.GZ.start();
      // A second overdue request after the restart: once its alert arrives, the restarted
      // publisher has checked every open request's deadline (one check reads them all, and
      // sends what it finds oldest deadline first, so a repeat of the first would come before).
      const second = `GZ:${(await overdue('second')).request.id}`;
      await gzDesk.next(about(second, 'ASSISTANCE_OVERDUE'), 20_000);
      await requesterDesk.next(about(second, 'ASSISTANCE_OVERDUE'), 20_000);
      expect(gzDesk.received.filter(about(first, 'ASSISTANCE_OVERDUE'))).toHaveLength(1);
      expect(requesterDesk.received.filter(about(first, 'ASSISTANCE_OVERDUE'))).toHaveLength(1);
      // Neither receiving region nor requester: HB's desk got none of it.
      expect(hbDesk.received.filter((r) => about(first)(r) || about(second)(r))).toEqual([]);
    } finally {
      await gz.close();
      await unsubscribe(gzDesk, requesterDesk, hbDesk);
    }
  });

  it("a request to HB: its answer arrives after HB's next export", async () => {
    const { system, dataDir } = seeded;
    const asked = await system.query(REQUEST, { input: ask('HB') }, jsLead());
    expect(asked.errors).toBeUndefined();
    const id = asked.data.requestAssistance.id as string;
    const requester = await subscribe(UPDATES, {}, jsLead());
    try {
      const hbRecord = system.scenarios.personInAllRegions.recordIds.HB;
      await hbAssistanceCycle(dataDir, new Date(), [{ id: id.slice('HB:'.length), by: '4200001', note: '已查實', records: [hbRecord] }]);
      const exported = performance.now();
      const event = await requester.next((r) => about(id)(r) && field(r).assistanceChange === 'ANSWERED', 30_000);
      printed('HB export with the answer written → requester', exported);
      expect(field(event)).toMatchObject({ kind: 'ASSISTANCE_STATUS', region: 'HB', assistanceRequest: { id, status: 'ANSWERED' } });
      await expectAudited(event, scenario().officers[0]);
    } finally {
      await unsubscribe(requester);
    }
  });
});
