/**
 * HB officers working HB's assistance inbox through the graph (issue #14), over the real
 * system: the three regional subgraphs, the GZ stand-in and the gateway as processes, plus
 * HB's own system as under `npm start` (standins/hb/system.ts, one intake turn a second).
 *
 * A JS investigator asks HB; an HB officer accepts and answers through the graph, which
 * drops action files for HB's intake; HB's next export carries the answer and the
 * requester reads the answered record. Then the refusals: an officer of another region, a
 * record that is not HB's, a step the state does not allow, a drop folder that cannot be
 * written — each a named error, with nothing dropped.
 */
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type TestProcess } from '../support/processes.ts';
import { readJsonLines } from '../support/json-lines.ts';
import { postQuery, seededSystem, type Officer } from '../support/system.ts';
import { DEMO_OFFICERS } from '../../gateway/auth/dev-key.ts';
import { examples } from '../../gateway/graphiql/app/examples.ts';
import { readDemoValues } from '../../gateway/graphiql/demo-values.ts';

const seeded = seededSystem();
let intake: TestProcess | undefined;

const startIntake = async () => {
  intake = await startProcess({
    name: 'HB intake',
    file: 'standins/hb/system.ts',
    args: ['--data', seeded.dataDir, '--every-seconds', '1'],
    readyLine: /^HB intake running/,
  });
};

beforeAll(startIntake);

afterAll(async () => {
  await intake?.stop();
});

const REQUEST = `mutation Ask($input: AssistanceRequestInput!) { requestAssistance(input: $input) { id status channel awaiting } }`;
const ACCEPT = 'mutation Accept($id: ID!) { acceptAssistance(id: $id) { id status awaiting } }';
const ANSWER = `mutation Answer($id: ID!, $answer: AssistanceAnswerInput!) {
  answerAssistance(id: $id, answer: $answer) { id status answerNote answeredRecords awaiting history { status by note } }
}`;
const DECLINE = 'mutation Decline($id: ID!, $reason: String!) { declineAssistance(id: $id, reason: $reason) { id status } }';
const INBOX = 'query Inbox($status: AssistanceStatus) { assistanceInbox(status: $status) { id status awaiting } }';
const ONE = 'query One($id: ID!) { assistanceRequest(id: $id) { id status answeredRecords awaiting history { status by note } } }';
const PHONES = `query Phones($idNumber: String!) { person(idNumber: $idNumber) { records { id region phone } } }`;

const scenario = () => seeded.system.scenarios.crossRegionCase;
const person = () => seeded.system.scenarios.personInAllRegions;
const purpose = () => `assistance-request; case=${scenario().caseId}`;
const jsLead = (): Officer => ({ roles: ['investigator'], region: 'JS', sub: scenario().officers[0], purpose: purpose() });
/** The HB officer of the demo (gateway/auth/dev-key.ts DEMO_OFFICERS, hb-investigator). */
const hbOfficer = (): Officer => ({ roles: ['investigator'], region: 'HB', sub: 'HB-4200001', purpose: purpose() });
const gzOfficer = (): Officer => ({ roles: ['investigator'], region: 'GZ', sub: 'GZ-0200001', purpose: purpose() });

let keys = 0;
const ask = () => ({
  case: scenario().caseId,
  toRegion: 'HB',
  subjects: [scenario().suspectIdNumber, person().idNumber],
  ask: ['PERSON_RECORDS', 'CONTACT_DETAILS'],
  urgency: 'URGENT',
  note: '請協查兩名嫌疑人的聯系方式',
  idempotencyKey: `hb-desk-${process.pid}-${Date.now().toString(36)}-${++keys}`,
});

const dropDir = () => join(seeded.dataDir, 'hb', 'xiecha-in');
/** Action files (`XQ…-SL.csv`…) waiting in HB's drop folder for a request. */
const actionFiles = (id: string) => readdirSync(dropDir()).filter((n) => n.startsWith(`${id.slice('HB:'.length)}-`));
const gatewayAudit = () => readJsonLines(join(seeded.system.configDir, 'audit'), /^audit-\d{6}\.jsonl$/).filter((e) => e.type === 'audit');
const auditOf = (auditId: string) => gatewayAudit().find((e) => e.auditId === auditId);
const writesOf = (auditId: string) =>
  readJsonLines(join(seeded.dataDir, 'HB'), /^disclosure.*\.jsonl$/).filter((e) => e.type === 'write' && e.auditId === auditId);

/** Polls until `check` gives a value (HB's intake runs once a second); bounded. */
async function eventually<T>(what: string, check: () => Promise<T | null>, seconds = 30): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const got = await check();
    if (got !== null) return got;
    if (Date.now() > until) throw new Error(`${what}: not within ${seconds} s; HB intake said:\n${intake?.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A request HB's intake has taken in (PENDING, held by HB: nothing awaiting). */
async function requestTakenIn(): Promise<string> {
  const asked = await seeded.system.query(REQUEST, { input: ask() }, jsLead());
  expect(asked.errors).toBeUndefined();
  const id = asked.data.requestAssistance.id as string;
  await eventually(`HB taking ${id} in`, async () => {
    const seen = await seeded.system.query(ONE, { id }, hbOfficer());
    return seen.data?.assistanceRequest?.awaiting.length === 0 ? true : null;
  });
  return id;
}

describe('an HB officer accepts and answers through the graph; HB takes it in; the requester reads the answer', () => {
  it('works end to end, audited at the gateway and in HB disclosure log', async () => {
    const { system } = seeded;
    const started = performance.now();
    const id = await requestTakenIn();
    const inbox = await system.query(INBOX, { status: 'PENDING' }, hbOfficer());
    expect(inbox.errors).toBeUndefined();
    expect(inbox.data.assistanceInbox.map((r: any) => r.id)).toContain(id);

    const accepted = await system.query(ACCEPT, { id }, hbOfficer());
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data.acceptAssistance).toMatchObject({ id, status: 'ACCEPTED' });
    const hbRecord = person().recordIds.HB;
    // HB's system pauses (its intake stopped after a whole turn), so the answer waits in the folder.
    await intake!.stop();
    const answered = await system.query(ANSWER, { id, answer: { note: '已查實', records: [hbRecord] } }, hbOfficer());
    expect(answered.errors).toBeUndefined();
    // As submitted: ANSWERED at once, the answer shown as awaiting HB's intake.
    expect(answered.data.answerAssistance.awaiting).toContain('ANSWERED');
    expect(answered.data.answerAssistance).toMatchObject({
      status: 'ANSWERED',
      answerNote: '已查實',
      answeredRecords: [hbRecord],
      history: [{ status: 'PENDING' }, { status: 'ACCEPTED', by: 'HB-4200001' }, { status: 'ANSWERED', by: 'HB-4200001', note: '已查實' }],
    });
    // A retry of the answer: the same request, no second action file.
    const again = await system.query(ANSWER, { id, answer: { note: '已查實', records: [hbRecord] } }, hbOfficer());
    expect(again.data.answerAssistance.status).toBe('ANSWERED');
    expect(actionFiles(id)).toContain(`${id.slice('HB:'.length)}-FK.csv`);
    expect(actionFiles(id).length).toBeLessThanOrEqual(2);
    // An answer HB has not taken in grants nothing yet: the requester still may not read the record's phone.
    const early = await system.query(PHONES, { idNumber: person().idNumber }, jsLead());
    expect(early.data.person.records.find((r: any) => r.id === hbRecord).phone).toBeNull();
    await startIntake();
    const resumed = performance.now();

    // HB's next export carries it; the requester sees the answer held by HB, then the phone.
    const held = await eventually('the answer in HB export', async () => {
      const seen = await system.query(ONE, { id }, jsLead());
      const request = seen.data?.assistanceRequest;
      return request?.status === 'ANSWERED' && request.awaiting.length === 0 ? request : null;
    });
    expect(held.answeredRecords).toEqual([hbRecord]);
    expect(held.history.map((h: any) => [h.status, h.by])).toEqual([
      ['PENDING', scenario().officers[0]],
      ['ACCEPTED', 'HB-4200001'],
      ['ANSWERED', 'HB-4200001'],
    ]);
    expect(actionFiles(id)).toEqual([]);
    const phone = await eventually('the answered HB record readable by the requester', async () => {
      const read = await system.query(PHONES, { idNumber: person().idNumber }, jsLead());
      return read.data?.person?.records.find((r: any) => r.id === hbRecord)?.phone ?? null;
    });
    expect(phone).toMatch(/\d{7,}/);
    console.log(
      `HB through the graph: request → answer readable by the requester ${((performance.now() - started) / 1000).toFixed(2)} s, of which the answer waiting for HB's next intake turn once it ran again ${((performance.now() - resumed) / 1000).toFixed(2)} s (intake every 1 s; baseline 36 h; load average ${loadavg()[0].toFixed(1)})`,
    );
    // Exactly the answered record: the suspect's HB records (not answered) stay without a phone.
    const suspect = await system.query(PHONES, { idNumber: scenario().suspectIdNumber }, jsLead());
    for (const record of suspect.data.person.records.filter((r: any) => r.region === 'HB')) expect(record.phone).toBeNull();

    for (const [reply, action] of [
      [accepted, 'acceptAssistance'],
      [answered, 'answerAssistance'],
    ] as const) {
      expect(auditOf(reply.extensions!.auditId)).toMatchObject({ operation: { type: 'mutation' }, outcome: 'answered' });
      expect(auditOf(reply.extensions!.auditId).regions.map((r: any) => r.region)).toEqual(['HB']);
      const entries = writesOf(reply.extensions!.auditId);
      expect(entries.map((e) => e.phase)).toEqual(['intent', 'outcome']);
      expect(entries[0]).toMatchObject({ officer: { sub: 'HB-4200001', region: 'HB' } });
      expect(entries[1]).toMatchObject({ actions: [action], requests: [id], outcome: 'written' });
    }
  });
});

describe('refusals: a named error, nothing dropped', () => {
  it('an officer of another region, a record not of HB, a step the state does not allow', async () => {
    const { system } = seeded;
    const id = await requestTakenIn();
    const gzRecord = (await system.query(PHONES, { idNumber: person().idNumber }, gzOfficer())).data.person.records.find(
      (r: any) => r.region === 'GZ',
    ).id;

    const wrongRegion = await system.query(ACCEPT, { id }, gzOfficer());
    expect(wrongRegion.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const requester = await system.query(ANSWER, { id, answer: { note: 'x', records: [person().recordIds.HB] } }, jsLead());
    expect(requester.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(writesOf(wrongRegion.extensions!.auditId)).toMatchObject([{ phase: 'outcome', outcome: 'refused' }]);

    const notHb = await system.query(ANSWER, { id, answer: { note: '已查', records: [gzRecord] } }, hbOfficer());
    expect(notHb.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'not-own-record' });
    const unknown = await system.query(ANSWER, { id, answer: { note: '已查', records: ['HB:HBR99999999'] } }, hbOfficer());
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'unknown-record' });
    expect(actionFiles(id)).toEqual([]);

    const declined = await system.query(DECLINE, { id, reason: '不屬本地管轄' }, hbOfficer());
    expect(declined.data.declineAssistance).toMatchObject({ id, status: 'DECLINED' });
    const late = await system.query(ACCEPT, { id }, hbOfficer());
    expect(late.errors?.[0].extensions?.code).toBe('CONFLICT');
    const lateAnswer = await system.query(ANSWER, { id, answer: { note: '已查', records: [person().recordIds.HB] } }, hbOfficer());
    expect(lateAnswer.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(writesOf(late.extensions!.auditId)).toMatchObject([{ phase: 'outcome', outcome: 'refused' }]);
    // Only the decline's file was dropped (HB may have taken it in already).
    expect(actionFiles(id).every((n) => n.endsWith('-TH.csv'))).toBe(true);
    const held = await eventually('the decline in HB export', async () => {
      const seen = await system.query(ONE, { id }, jsLead());
      return seen.data?.assistanceRequest?.awaiting.length === 0 ? seen.data.assistanceRequest : null;
    });
    expect(held).toMatchObject({ status: 'DECLINED', answeredRecords: [] });
  });

  it('a drop folder that cannot be written: REGION_UNAVAILABLE, nothing written, the intent and the failure in HB log', async () => {
    const { system } = seeded;
    const id = await requestTakenIn();
    const away = `${dropDir()}.away`;
    renameSync(dropDir(), away);
    writeFileSync(dropDir(), 'not a folder');
    let refused;
    try {
      refused = await system.query(ACCEPT, { id }, hbOfficer());
    } finally {
      rmSync(dropDir());
      renameSync(away, dropDir());
    }
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'REGION_UNAVAILABLE', region: 'HB' });
    expect(actionFiles(id)).toEqual([]);
    expect(existsSync(away)).toBe(false);
    expect(writesOf(refused.extensions!.auditId).map((e) => [e.phase, e.outcome ?? null])).toEqual([
      ['intent', null],
      ['outcome', 'failed'],
    ]);
    const seen = await system.query(ONE, { id }, hbOfficer());
    expect(seen.data.assistanceRequest).toMatchObject({ status: 'PENDING', awaiting: [] });
  });
});

describe("the GraphiQL example for HB's inbox", () => {
  it('runs as written for the demo HB officer: the JS investigator asks HB, the HB officer accepts and answers, the requester reads', async () => {
    const { system } = seeded;
    const values = readDemoValues(join(seeded.dataDir, 'scenarios.json'))!;
    const all = examples(values);
    const asking = all.find((e) => e.title === 'Request assistance (協查)')!;
    const working = all.find((e) => e.title === "Work HB's assistance inbox (HB officer)")!;
    const demoHb = DEMO_OFFICERS.find((o) => o.role === 'hb-investigator')!;
    const hb: Officer = { roles: demoHb.roles, region: demoHb.region, sub: demoHb.sub, purpose: working.purpose };
    const run = (operationName: string, variables: Record<string, unknown>) =>
      postQuery(system.gatewayUrl, system.keysDir, { query: working.query, operationName, variables }, hb);

    // As the example says: the JS investigator's request, to HB.
    const asked = await system.query(
      asking.query.replace('toRegion: "GZ"', 'toRegion: "HB"'),
      { ...asking.variables, idempotencyKey: `graphiql-hb-${process.pid}` },
      { roles: ['investigator'], region: 'JS', sub: values.caseLead, purpose: asking.purpose },
    );
    expect(asked.errors).toBeUndefined();
    const id = asked.data.requestAssistance.id as string;
    expect(id).toMatch(/^HB:XQ/);
    await eventually('the request in the HB inbox, taken in', async () => {
      const inbox = await run('Inbox', {});
      return inbox.data?.assistanceInbox.find((r: any) => r.id === id && r.awaiting.length === 0) ?? null;
    });
    const subject = await run('Subject', { idNumber: values.personIdNumber });
    expect(subject.errors).toBeUndefined();
    const records = subject.data.person.records.filter((r: any) => r.region === 'HB').map((r: any) => r.id);
    expect(records.length).toBeGreaterThan(0);
    const accepted = await run('Accept', { id });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data.acceptAssistance.status).toBe('ACCEPTED');
    const answered = await run('Answer', { id, records });
    expect(answered.errors).toBeUndefined();
    expect(answered.data.answerAssistance).toMatchObject({ status: 'ANSWERED', answeredRecords: records });
    const phone = await eventually('the answered record readable by the requester', async () => {
      const read = await system.query(
        PHONES,
        { idNumber: values.personIdNumber },
        { roles: ['investigator'], region: 'JS', sub: values.caseLead, purpose: asking.purpose },
      );
      return read.data?.person?.records.find((r: any) => r.id === records[0])?.phone ?? null;
    });
    expect(phone).toMatch(/\d{7,}/);
  });
});
