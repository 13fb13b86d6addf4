/**
 * The adapter conformance kit: one vitest suite every region's adapter must pass.
 *
 *   describeAdapterConformance('JS', async () => ({ adapter, sample }));
 *
 * The kit finds known keys through the adapter's own searches, so a sample needs only
 * what a search cannot reveal: a way to change the real system (for the change feed)
 * and, optionally, notice and alert ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdapterError,
  type CaseRecord,
  type ChangeEvent,
  type EntityType,
  type Page,
  type PersonRecord,
  type RegionAdapter,
  type VehicleRecord,
} from '../adapter.ts';
import { OFFICER_ID, normaliseIdNumber, normalisePlate } from '../../common/normalise/index.ts';

export interface ConformanceSample {
  /** Change one record in the real regional system; the change feed must then report it. */
  makeChange(): Promise<{ type: EntityType; id: string }>;
  /** Local ids of wanted notices and vehicle alerts the region holds (searches cannot find them). */
  noticeIds?: string[];
  alertIds?: string[];
  /** Seconds to wait for the change to appear (exports may be polled). Default 20. */
  changeTimeoutSeconds?: number;
  /**
   * For a drop-folder write side: the region's own officers answer request `localId` in their
   * system with these Liandong record ids (the answer then comes back with the next export).
   */
  answerInSystem?(localId: string, records: string[]): Promise<void>;
  /**
   * For a drop-folder write side that takes steps through the graph: one turn of the
   * region's own system (its intake takes in what was dropped and publishes what the desk
   * reads next), after which the steps must read back as taken.
   */
  takeInDropped?(): Promise<void>;
}

export type ConformanceSetup = () => Promise<{ adapter: RegionAdapter; sample: ConformanceSample; teardown?: () => Promise<void> }>;

const INJECTIONS = ["' OR '1'='1", "x'); DROP TABLE t_person; --", '../../../etc/passwd', '\u0000', '%', '*', '"; SELECT 1; --'];
// Valid, born 1960 in Beijing: held by no stand-in region. (Born 1900 it would stop being a valid
// number in 2030, when 1900 falls more than MAX_AGE_YEARS behind today.)
const MISSING_ID_NUMBER = '110101196001010011';
const MISSING_PLATE = '京A00000';

async function allPages<T>(fetch: (after: string | null) => Promise<Page<T>>): Promise<{ items: T[]; pages: Page<T>[] }> {
  const items: T[] = [];
  const pages: Page<T>[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await fetch(after);
    pages.push(page);
    items.push(...page.items);
    if (!page.hasNextPage) break;
    after = page.cursors[page.cursors.length - 1];
  }
  return { items, pages };
}

async function expectBadInput(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected a typed BAD_INPUT AdapterError').toBeInstanceOf(AdapterError);
  expect((error as AdapterError).kind).toBe('BAD_INPUT');
}

function sortedBy<T>(items: T[], key: (item: T) => string): boolean {
  return items.every((item, i) => i === 0 || key(items[i - 1]) <= key(item));
}

export function describeAdapterConformance(name: string, setup: ConformanceSetup): void {
  describe(`adapter conformance: ${name}`, () => {
    let adapter: RegionAdapter;
    let sample: ConformanceSample;
    let teardown: (() => Promise<void>) | undefined;
    let persons: PersonRecord[];
    let cases: CaseRecord[];
    let vehicles: VehicleRecord[];

    beforeAll(async () => {
      ({ adapter, sample, teardown } = await setup());
      persons = (await adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 50 })).items;
      cases = (await adapter.searchCases({ reportedFrom: '2000-01-01' }, { first: 50 })).items;
      vehicles = (await adapter.searchVehicles({ platePrefix: adapter.region.plateProvinces[0] }, { first: 50 })).items;
    });
    afterAll(async () => {
      await adapter?.close();
      await teardown?.();
    });

    it('reports itself healthy and describes its region', async () => {
      const health = await adapter.health();
      expect(health.ok, health.detail).toBe(true);
      expect(health.latencyMs).toBeGreaterThanOrEqual(0);
      expect(adapter.region.code).toMatch(/^[A-Z]{2,}$/);
      expect(persons.length).toBeGreaterThanOrEqual(3);
      expect(cases.length).toBeGreaterThanOrEqual(3);
      expect(vehicles.length).toBeGreaterThanOrEqual(3);
    });

    it('answers by-id batches in input order, with duplicates and null for missing', async () => {
      const [a, b] = persons;
      const got = await adapter.personRecordsById([b.id, 'NO-SUCH-ID', a.id, b.id]);
      expect(got.map((p) => p?.id ?? null)).toEqual([b.id, null, a.id, b.id]);
      expect(await adapter.personRecordsById([])).toEqual([]);
      const caseIds = [cases[2].id, 'NO-SUCH-CASE', cases[0].id, cases[2].id];
      expect((await adapter.casesById(caseIds)).map((c) => c?.id ?? null)).toEqual([cases[2].id, null, cases[0].id, cases[2].id]);
      const vehicleIds = [vehicles[1].id, vehicles[1].id, 'NO-SUCH-VEHICLE'];
      expect((await adapter.vehicleRecordsById(vehicleIds)).map((v) => v?.id ?? null)).toEqual([vehicles[1].id, vehicles[1].id, null]);
    });

    it('answers by-key batches in input order, with [] for missing keys', async () => {
      const [a, b] = persons;
      const got = await adapter.personRecordsByIdNumber([a.idNumber, MISSING_ID_NUMBER, b.idNumber, a.idNumber]);
      expect(got).toHaveLength(4);
      expect(got[1]).toEqual([]);
      expect(got[0].map((p) => p.id)).toContain(a.id);
      expect(got[3]).toEqual(got[0]);
      expect(got[2].every((p) => p.idNumber === b.idNumber)).toBe(true);
      const plates = await adapter.vehicleRecordsByPlate([vehicles[0].plate, MISSING_PLATE]);
      expect(plates[0].map((v) => v.id)).toContain(vehicles[0].id);
      expect(plates[1]).toEqual([]);
      const owned = vehicles.find((v) => v.ownerIdNumber)!;
      const byOwner = await adapter.vehicleRecordsByOwner([MISSING_ID_NUMBER, owned.ownerIdNumber!]);
      expect(byOwner[0]).toEqual([]);
      expect(byOwner[1].map((v) => v.id)).toContain(owned.id);
      const withParty = cases.find((c) => c.parties.length > 0)!;
      const involvements = await adapter.involvementsByIdNumber([withParty.parties[0].idNumber, MISSING_ID_NUMBER]);
      expect(involvements[0].map((i) => i.caseId)).toContain(withParty.id);
      expect(involvements[1]).toEqual([]);
      const withPlate = cases.find((c) => c.vehiclePlates.length > 0);
      if (withPlate) {
        const byPlate = await adapter.casesByPlate([MISSING_PLATE, withPlate.vehiclePlates[0]]);
        expect(byPlate[0]).toEqual([]);
        expect(byPlate[1]).toContain(withPlate.id);
      }
    });

    it('lists every key it holds (heldKeys): persons, parties, owners, notices, plates — normalised', async () => {
      // The region's membership filter is built from this list: a key missing here would let
      // the gateway skip the region for it. So every key the lookups above find is listed.
      const held = { idNumbers: new Set<string>(), plates: new Set<string>() };
      for await (const batch of adapter.heldKeys()) {
        for (const key of batch.idNumbers) held.idNumbers.add(key);
        for (const key of batch.plates) held.plates.add(key);
      }
      const idNumbers = [
        ...persons.map((p) => p.idNumber),
        ...cases.flatMap((c) => c.parties.map((p) => p.idNumber)),
        ...vehicles.flatMap((v) => (v.ownerIdNumber ? [v.ownerIdNumber] : [])),
      ];
      const plates = [...vehicles.map((v) => v.plate), ...cases.flatMap((c) => c.vehiclePlates)];
      expect(idNumbers.filter((key) => !held.idNumbers.has(key))).toEqual([]);
      expect(plates.filter((key) => !held.plates.has(key))).toEqual([]);
      const notices = sample.noticeIds ? await adapter.wantedNoticesById(sample.noticeIds) : [];
      expect(notices.flatMap((n) => (n && !held.idNumbers.has(n.idNumber) ? [n.idNumber] : []))).toEqual([]);
      const alerts = sample.alertIds ? await adapter.vehicleAlertsById(sample.alertIds) : [];
      expect(alerts.flatMap((a) => (a && !held.plates.has(a.plate) ? [a.plate] : []))).toEqual([]);
      for (const key of held.idNumbers) expect(normaliseIdNumber(key)).toBe(key);
      for (const key of held.plates) expect(normalisePlate(key)).toBe(key);
      expect(held.idNumbers.has(MISSING_ID_NUMBER)).toBe(false);
      expect(held.plates.has(MISSING_PLATE)).toBe(false);
    });

    it('tells who is assigned to each case: one list per case id in input order, [] for a missing case, normalised police numbers', async () => {
      // Need-to-know rests on this lookup: an officer gets contact details only for a case
      // its region lists them on, so a region that lists no one would lock every officer out.
      expect(cases.length).toBeGreaterThan(0);
      const ids = cases.map((c) => c.id);
      const answers = await adapter.caseOfficersById(['NO-SUCH-CASE', ...ids, ids[0]]);
      expect(answers).toHaveLength(ids.length + 2);
      expect(answers[0]).toEqual([]);
      expect(answers.at(-1)).toEqual(answers[1]);
      const officers = answers.slice(1, -1);
      expect(
        officers.some((list) => list.length > 0),
        'no sample case has an assigned officer',
      ).toBe(true);
      for (const list of officers) {
        for (const o of list) {
          expect(o.officerId, 'police numbers are REGION-NNNNNNN').toMatch(OFFICER_ID);
          expect(['LEAD', 'MEMBER', 'ASSISTING']).toContain(o.duty);
          expect(o.team === null || typeof o.team === 'string').toBe(true);
        }
        expect(new Set(list.map((o) => o.officerId)).size, 'an officer is listed once per case').toBe(list.length);
      }
      // Batching must not mix cases up: each case asked alone gets the same answer.
      const withOfficers = ids.findIndex((_, i) => officers[i].length > 0);
      expect(await adapter.caseOfficersById([ids[withOfficers]])).toEqual([officers[withOfficers]]);
    });

    it('answers notice and alert lookups', async () => {
      const noticeIds = sample.noticeIds ?? [];
      const alertIds = sample.alertIds ?? [];
      const notices = await adapter.wantedNoticesById([...noticeIds, 'NO-SUCH-NOTICE']);
      expect(notices.map((n) => n?.id ?? null)).toEqual([...noticeIds, null]);
      for (const notice of notices.filter((n) => n !== null)) {
        const byPerson = await adapter.wantedNoticesByIdNumber([notice!.idNumber]);
        expect(byPerson[0].map((n) => n.id)).toContain(notice!.id);
      }
      const alerts = await adapter.vehicleAlertsById(['NO-SUCH-ALERT', ...alertIds]);
      expect(alerts.map((a) => a?.id ?? null)).toEqual([null, ...alertIds]);
      for (const alert of alerts.filter((a) => a !== null)) {
        const byPlate = await adapter.vehicleAlertsByPlate([alert!.plate, MISSING_PLATE]);
        expect(byPlate[0].map((a) => a.id)).toContain(alert!.id);
        expect(byPlate[1]).toEqual([]);
      }
    });

    it('hands out normalised keys only', async () => {
      for (const p of persons) {
        expect(normaliseIdNumber(p.idNumber)).toBe(p.idNumber);
        expect(normaliseIdNumber(p.idNumberAsRecorded)).toBe(p.idNumber);
        expect(p.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      for (const v of vehicles) {
        expect(normalisePlate(v.plate)).toBe(v.plate);
        expect(normalisePlate(v.plateAsRecorded)).toBe(v.plate);
        if (v.ownerIdNumber) expect(normaliseIdNumber(v.ownerIdNumber)).toBe(v.ownerIdNumber);
      }
      for (const c of cases) {
        for (const party of c.parties) expect(normaliseIdNumber(party.idNumber)).toBe(party.idNumber);
        for (const plate of c.vehiclePlates) expect(normalisePlate(plate)).toBe(plate);
        expect(Number.isNaN(Date.parse(c.reportedAt))).toBe(false);
      }
    });

    it('pages persons stably: no repeats, no gaps, key order, pages concatenate to the whole result', async () => {
      const filter = { bornFrom: '1970-01-01', bornTo: '1989-12-31' };
      const whole = await adapter.searchPersons(filter, { first: 1000 });
      const paged = await allPages((after) => adapter.searchPersons(filter, { first: 7, after }));
      const key = (p: PersonRecord) => `${p.idNumber}|${p.id}`;
      expect(paged.items.map(key)).toEqual(whole.items.map(key));
      expect(new Set(paged.items.map(key)).size).toBe(paged.items.length);
      expect(sortedBy(paged.items, (p) => p.idNumber)).toBe(true);
      expect(paged.pages.every((p) => p.totalCount === whole.totalCount && p.cursors.length === p.items.length)).toBe(true);
      expect(whole.totalCount).toBe(whole.items.length);
      // Resuming from any item's cursor continues right after that item.
      const resumed = await adapter.searchPersons(filter, { first: 3, after: paged.pages[0].cursors[2] });
      expect(resumed.items.map(key)).toEqual(whole.items.slice(3, 6).map(key));
    });

    it('pages cases and vehicles stably', async () => {
      const caseFilter = { reportedFrom: '2024-01-01', reportedTo: '2026-12-31' };
      const wholeCases = await adapter.searchCases(caseFilter, { first: 1000 });
      const pagedCases = await allPages((after) => adapter.searchCases(caseFilter, { first: 11, after }));
      expect(pagedCases.items.map((c) => c.id)).toEqual(wholeCases.items.map((c) => c.id));
      expect(sortedBy(pagedCases.items, (c) => c.id)).toBe(true);
      const vehicleFilter = { platePrefix: adapter.region.plateProvinces[0] };
      const wholeVehicles = await adapter.searchVehicles(vehicleFilter, { first: 1000 });
      const pagedVehicles = await allPages((after) => adapter.searchVehicles(vehicleFilter, { first: 13, after }));
      expect(pagedVehicles.items.map((v) => v.id)).toEqual(wholeVehicles.items.map((v) => v.id));
      expect(sortedBy(pagedVehicles.items, (v) => v.plate)).toBe(true);
    });

    it('filters searches by every field', async () => {
      const p = persons[0];
      const byName = await adapter.searchPersons({ name: p.name }, { first: 100 });
      expect(byName.items.every((x) => x.name === p.name)).toBe(true);
      expect(byName.items.map((x) => x.id)).toContain(p.id);
      const byPrefix = await adapter.searchPersons({ name: `${[...p.name][0]}*`, sex: p.sex }, { first: 100 });
      expect(byPrefix.items.every((x) => x.name.startsWith([...p.name][0]) && x.sex === p.sex)).toBe(true);
      const c = cases[0];
      const byType = await adapter.searchCases({ type: c.type, status: c.status }, { first: 100 });
      expect(byType.items.every((x) => x.type === c.type && x.status === c.status)).toBe(true);
      expect(byType.totalCount).toBeGreaterThanOrEqual(1);
      const v = vehicles[0];
      const byVehicle = await adapter.searchVehicles({ make: v.make, colour: v.colour, energy: v.energy }, { first: 100 });
      expect(byVehicle.items.map((x) => x.id)).toContain(v.id);
      expect(byVehicle.items.every((x) => x.make === v.make && x.colour === v.colour && x.energy === v.energy)).toBe(true);
    });

    it('treats hostile text as data: injection strings find nothing and break nothing', async () => {
      expect(await adapter.personRecordsById(INJECTIONS)).toEqual(INJECTIONS.map(() => null));
      expect(await adapter.personRecordsByIdNumber(INJECTIONS)).toEqual(INJECTIONS.map(() => []));
      expect(await adapter.vehicleRecordsByPlate(INJECTIONS)).toEqual(INJECTIONS.map(() => []));
      expect(await adapter.casesById(INJECTIONS)).toEqual(INJECTIONS.map(() => null));
      expect(await adapter.caseOfficersById(INJECTIONS)).toEqual(INJECTIONS.map(() => []));
      for (const text of INJECTIONS) {
        const page = await adapter.searchPersons({ name: text }, { first: 5 }).catch((e: unknown) => e);
        if (page instanceof Error) expect(page).toBeInstanceOf(AdapterError);
        else expect((page as Page<PersonRecord>).items).toEqual([]);
      }
      expect((await adapter.searchCases({ place: "'; DROP TABLE t_case; --" }, { first: 5 })).items).toEqual([]);
      expect((await adapter.health()).ok).toBe(true);
      expect((await adapter.personRecordsById([persons[0].id]))[0]?.id).toBe(persons[0].id);
    });

    it('refuses malformed paging and filters with a typed BAD_INPUT error', async () => {
      await expectBadInput(adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 5, after: 'not-a-cursor' }));
      await expectBadInput(adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 0 }));
      await expectBadInput(adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 1.5 }));
      await expectBadInput(adapter.searchPersons({ bornFrom: "1990-01-01' OR 1=1" }, { first: 5 }));
      await expectBadInput(adapter.searchCases({ reportedFrom: 'yesterday' }, { first: 5 }));
      await expectBadInput(adapter.searchCases({ type: 'ARSON' as never }, { first: 5 }));
      // Control characters in filter text: a NUL once cut a legacy system's place filter short and matched every case.
      await expectBadInput(adapter.searchCases({ place: `${'x'}\u0000` }, { first: 5 }));
      await expectBadInput(adapter.searchPersons({ name: '張\u0000*' }, { first: 5 }));
      await expectBadInput(adapter.searchVehicles({ make: 'x\n', colour: 'x' }, { first: 5 }));
      const personCursor = (await adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 1 })).cursors[0];
      await expectBadInput(adapter.searchCases({}, { first: 5, after: personCursor }));
      await expectBadInput(adapter.changes.changesSince('1; DROP TABLE t_change_log'));
    });

    it('write side (if any): a request is written once per idempotency key, read back, and moves only from open states', async (ctx) => {
      const desk = adapter.assistance;
      if (!desk) return ctx.skip();
      expect(['direct', 'drop-folder']).toContain(desk.channel);
      const key = `conformance/${adapter.region.code}-${Date.now().toString(36)}`;
      const at = new Date().toISOString();
      const request = {
        idempotencyKey: key,
        caseRef: 'XX:C-2026-000001',
        fromRegion: 'XX',
        requestedBy: 'XX-0000001',
        subjects: [persons[0].idNumber, persons[1].idNumber],
        ask: ['PERSON_RECORDS', 'CONTACT_DETAILS'] as ('PERSON_RECORDS' | 'CONTACT_DETAILS')[],
        urgency: 'URGENT' as const,
        note: "協查 ' OR '1'='1",
        requestedAt: at,
        deadline: new Date(Date.parse(at) + 3_600_000).toISOString(),
      };
      const { position: before } = await adapter.changes.changesSince(null);
      const first = await desk.submit(request);
      expect(first.created).toBe(true);
      expect(first.request).toMatchObject({ caseRef: request.caseRef, subjects: request.subjects, status: 'PENDING', note: request.note });
      expect(first.request.history.map((h) => h.status)).toEqual(['PENDING']);
      const again = await desk.submit({ ...request, requestedAt: new Date().toISOString() });
      expect(again).toMatchObject({ created: false, request: { id: first.request.id } });
      expect((await desk.inbox(null)).filter((r) => r.idempotencyKey === key)).toHaveLength(1);
      expect((await desk.inbox('PENDING')).map((r) => r.id)).toContain(first.request.id);
      expect(await desk.requestsById(['AR-NO-SUCH', first.request.id])).toMatchObject([null, { id: first.request.id }]);
      const answer = [`${adapter.region.code}:${persons[0].id}`];
      if (desk.step) {
        const accepted = await desk.step(first.request.id, {
          status: 'ACCEPTED',
          by: `${adapter.region.code}-0000009`,
          at: new Date().toISOString(),
        });
        expect(accepted.status).toBe('ACCEPTED');
        const answered = await desk.step(first.request.id, {
          status: 'ANSWERED',
          by: `${adapter.region.code}-0000009`,
          at: new Date().toISOString(),
          note: '已查',
          records: answer,
        });
        expect(answered).toMatchObject({ status: 'ANSWERED', answerNote: '已查', answeredRecords: answer });
        expect(answered.history.map((h) => h.status)).toEqual(['PENDING', 'ACCEPTED', 'ANSWERED']);
        // The same step again (a client's retry): answered unchanged, nothing more written.
        const repeated = await desk.step(first.request.id, {
          status: 'ANSWERED',
          by: `${adapter.region.code}-0000009`,
          at: new Date().toISOString(),
          note: '已查',
          records: answer,
        });
        expect(repeated.history.map((h) => h.status)).toEqual(['PENDING', 'ACCEPTED', 'ANSWERED']);
        if (desk.channel === 'drop-folder') {
          // Shown as submitted until the region's system takes the steps in; then read back from it, the same.
          expect(sample.takeInDropped, 'a drop-folder region whose desk takes steps needs sample.takeInDropped').toBeDefined();
          await sample.takeInDropped!();
          const [taken] = await desk.requestsById([first.request.id]);
          expect(taken).toMatchObject({ status: 'ANSWERED', answerNote: '已查', answeredRecords: answer });
          expect(taken!.history.map((h) => [h.status, h.by])).toEqual([
            ['PENDING', request.requestedBy],
            ['ACCEPTED', `${adapter.region.code}-0000009`],
            ['ANSWERED', `${adapter.region.code}-0000009`],
          ]);
        }
        const refused = await desk
          .step(first.request.id, { status: 'DECLINED', by: 'x', at: new Date().toISOString(), reason: 'late' })
          .catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(AdapterError);
        expect((refused as AdapterError).kind).toBe('CONFLICT');
        const missing = await desk
          .step('AR-NO-SUCH', { status: 'ACCEPTED', by: 'x', at: new Date().toISOString() })
          .catch((e: unknown) => e);
        expect((missing as AdapterError).kind).toBe('NOT_FOUND');
      } else {
        expect(sample.answerInSystem, 'a drop-folder region needs sample.answerInSystem').toBeDefined();
        await sample.answerInSystem!(first.request.id, answer);
        const deadline = Date.now() + (sample.changeTimeoutSeconds ?? 20) * 1000;
        let seen = first.request;
        while (Date.now() < deadline && seen.status !== 'ANSWERED') {
          await new Promise((r) => setTimeout(r, 200));
          seen = (await desk.requestsById([first.request.id]))[0] ?? seen;
        }
        expect(seen).toMatchObject({ status: 'ANSWERED', answeredRecords: answer });
      }
      expect((await desk.inbox('ANSWERED')).map((r) => r.id)).toContain(first.request.id);
      // The request is on the change feed (the subgraph reads it back and publishes what happened,
      // subgraphs/changes/assistance.ts): its local id, and no keys — its subjects are not the region's records.
      const deadline = Date.now() + (sample.changeTimeoutSeconds ?? 20) * 1000;
      let cursor = before;
      const seen: ChangeEvent[] = [];
      while (Date.now() < deadline && !seen.some((c) => c.type === 'AssistanceRequest' && c.id === first.request.id)) {
        const { changes, position } = await adapter.changes.changesSince(cursor);
        cursor = position;
        seen.push(...changes);
        if (changes.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      const logged = seen.filter((c) => c.type === 'AssistanceRequest' && c.id === first.request.id);
      expect(logged.length, `no AssistanceRequest change for ${first.request.id} on the change feed`).toBeGreaterThan(0);
      for (const change of logged) expect(change).toMatchObject({ region: adapter.region.code, idNumbers: [], plates: [] });
    });

    it('reports a change made in the real system through its change feed', async () => {
      const { position } = await adapter.changes.changesSince(null);
      const expected = await sample.makeChange();
      const deadline = Date.now() + (sample.changeTimeoutSeconds ?? 20) * 1000;
      let cursor = position;
      const seen: string[] = [];
      while (Date.now() < deadline) {
        const { changes, position: next } = await adapter.changes.changesSince(cursor);
        cursor = next;
        seen.push(...changes.map((c) => `${c.type}:${c.id}`));
        const hit = changes.find((c) => c.type === expected.type && c.id === expected.id);
        if (hit) {
          expect(hit.region).toBe(adapter.region.code);
          expect(Number.isNaN(Date.parse(hit.at))).toBe(false);
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      expect.fail(`change ${expected.type}:${expected.id} never appeared; saw ${seen.slice(0, 10).join(', ') || 'nothing'}`);
    });
  });
}
