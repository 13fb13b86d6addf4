/**
 * HB officers' steps through the drop folder, against real generated GBK exports and HB's
 * own intake (standins/hb): the action file the desk drops, the request shown as submitted
 * until HB's next export, HB taking it — or refusing it and saying so in that export.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, type NewAssistanceRequest } from '../adapter.ts';
import { generate } from '../../standins/generator/generate.ts';
import { hbAssistanceCycle } from '../../standins/hb/assistance.ts';
import { HB_DROP_DIR } from '../../standins/hb/format.ts';
import { hbExportsDir } from '../../standins/hb/writer.ts';
import { HbAssistanceDesk } from './assistance.ts';
import { dropAction } from './desk-actions.ts';

let dataDir: string;
let desk: HbAssistanceDesk;
let dropDir: string;
let turns = 0;
/** One turn of HB's system; each export a minute after the last (export names go by the second). */
const turn = () => hbAssistanceCycle(dataDir, new Date(Date.parse('2026-11-29T06:00:00Z') + ++turns * 60_000));
const dropped = () => readdirSync(dropDir).sort();
const OFFICER = 'HB-4200001';
const record = 'HB:HBR00000003';

let keys = 0;
async function submitted(): Promise<string> {
  const at = new Date().toISOString();
  const request: NewAssistanceRequest = {
    idempotencyKey: `JS-0310001/desk-${process.pid}-${++keys}`,
    caseRef: 'JS:C-2026-000001',
    fromRegion: 'JS',
    requestedBy: 'JS-0310001',
    subjects: ['420102199001011234'],
    ask: ['PERSON_RECORDS'],
    urgency: 'NORMAL',
    note: null,
    requestedAt: at,
    deadline: new Date(Date.parse(at) + 86_400_000).toISOString(),
  };
  const { request: made } = await desk.submit(request);
  await turn();
  return made.id;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'liandong-hb-desk-'));
  await generate({ dataDir, personsPerRegion: 50, seed: 5, regions: ['HB'] });
  dropDir = join(dataDir, HB_DROP_DIR);
  mkdirSync(dropDir, { recursive: true }); // as the HB adapter does when it starts
  desk = new HbAssistanceDesk({ dropDir, exportsDir: hbExportsDir(dataDir) });
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('an HB officer steps through the graph: an action file for HB, taken on its next turn', () => {
  it('shows the step as submitted, writes one file however often it is repeated, and reads it back from the export', async () => {
    const id = await submitted();
    expect(dropped()).toEqual([]);
    const accepted = await desk.step(id, { status: 'ACCEPTED', by: OFFICER, at: new Date().toISOString() });
    expect(accepted).toMatchObject({ id, status: 'ACCEPTED', awaiting: ['ACCEPTED'] });
    expect(dropped()).toEqual([`${id}-SL.csv`]);
    // A retry: the same request back, no second file.
    await desk.step(id, { status: 'ACCEPTED', by: OFFICER, at: new Date().toISOString() });
    expect(dropped()).toEqual([`${id}-SL.csv`]);
    expect((await desk.inbox('ACCEPTED')).map((r) => r.id)).toContain(id);

    const answered = await desk.step(id, {
      status: 'ANSWERED',
      by: OFFICER,
      at: new Date().toISOString(),
      note: '已查實',
      records: [record],
    });
    expect(answered).toMatchObject({
      status: 'ANSWERED',
      answerNote: '已查實',
      answeredRecords: [record],
      awaiting: ['ACCEPTED', 'ANSWERED'],
    });
    expect(dropped()).toEqual([`${id}-FK.csv`, `${id}-SL.csv`]);
    // Another answer while the first waits: the request is ANSWERED as submitted.
    const other = await desk
      .step(id, { status: 'ANSWERED', by: OFFICER, at: new Date().toISOString(), note: '改', records: [record] })
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(AdapterError);
    expect((other as AdapterError).kind).toBe('CONFLICT');

    await turn();
    expect(dropped()).toEqual([]);
    const [taken] = await desk.requestsById([id]);
    expect(taken).toMatchObject({ status: 'ANSWERED', answerNote: '已查實', answeredRecords: [record] });
    expect(taken!.awaiting ?? []).toEqual([]);
    expect(taken!.history.map((h) => [h.status, h.by, h.note])).toEqual([
      ['PENDING', 'JS-0310001', null],
      ['ACCEPTED', OFFICER, null],
      ['ANSWERED', OFFICER, '已查實'],
    ]);
    const late = await desk
      .step(id, { status: 'DECLINED', by: OFFICER, at: new Date().toISOString(), reason: '遲' })
      .catch((e: unknown) => e);
    expect((late as AdapterError).kind).toBe('CONFLICT');
    const missing = await desk
      .step('XQ000000000000', { status: 'ACCEPTED', by: OFFICER, at: new Date().toISOString() })
      .catch((e: unknown) => e);
    expect((missing as AdapterError).kind).toBe('NOT_FOUND');
    expect(dropped()).toEqual([]);
  });
});

describe('HB refuses what it cannot take, and its next export says so', () => {
  it('a decline that raced an answer, a record HB does not hold, an officer not of HB: state unchanged, the refusal in the history', async () => {
    const raced = await submitted();
    await desk.step(raced, { status: 'ANSWERED', by: OFFICER, at: '2026-12-01T01:00:00.000Z', note: '已查', records: [record] });
    // A second HB officer's decline, checked before the answer was dropped: it reaches HB too.
    await dropAction(dropDir, raced, { status: 'DECLINED', by: 'HB-4200002', at: '2026-12-01T01:00:05.000Z', reason: '不屬本地' });
    const foreignRecord = await submitted();
    await desk.step(foreignRecord, {
      status: 'ANSWERED',
      by: OFFICER,
      at: new Date().toISOString(),
      note: '已查',
      records: ['HB:HBR99999999'],
    });
    const foreignOfficer = await submitted();
    // The desk refuses it (BAD_INPUT); HB refuses such a file too, should one reach its folder.
    const refusedHere = await desk
      .step(foreignOfficer, { status: 'ACCEPTED', by: 'GZ-0200001', at: new Date().toISOString() })
      .catch((e: unknown) => e);
    expect((refusedHere as AdapterError).kind).toBe('BAD_INPUT');
    expect(dropped().filter((n) => n.startsWith(foreignOfficer))).toEqual([]);
    await dropAction(dropDir, foreignOfficer, { status: 'ACCEPTED', by: 'TEST-service', at: new Date().toISOString() });
    await turn();
    expect(dropped()).toEqual([]);

    const [r1, r2, r3] = await desk.requestsById([raced, foreignRecord, foreignOfficer]);
    expect(r1).toMatchObject({ status: 'ANSWERED', answeredRecords: [record], declineReason: null });
    expect(r1!.history.map((h) => h.status)).toEqual(['PENDING', 'ANSWERED', 'ANSWERED']);
    expect(r1!.history[2]).toMatchObject({
      by: 'HB-4200002',
      note: expect.stringMatching(/^HB 已拒收 退回 \(refused DECLINED\): 請求狀態為已反饋/),
    });
    expect(r2).toMatchObject({ status: 'PENDING', answeredRecords: [] });
    expect(r2!.history[1].note).toMatch(/反饋記錄 HB:HBR99999999 不是本省記錄/);
    expect(r3).toMatchObject({ status: 'PENDING' });
    // Not a police number at all: shown as HB recorded it, and the export stays readable.
    expect(r3!.history[1]).toMatchObject({ status: 'PENDING', by: 'TEST-service', note: expect.stringMatching(/不是本省警號/) });
  });

  it('an action on a request HB does not hold is set aside in the folder (.rejected), not taken and not lost', async () => {
    await dropAction(dropDir, 'XQ0000000000AA', { status: 'ACCEPTED', by: OFFICER, at: new Date().toISOString() });
    await turn();
    expect(dropped()).toEqual(['XQ0000000000AA-SL.csv.rejected']);
    rmSync(join(dropDir, 'XQ0000000000AA-SL.csv.rejected'));
  });
});

describe('a file HB cannot read in its drop folder', () => {
  it('is set aside (.rejected), and the turn goes on with the other files', async () => {
    const id = await submitted();
    // An unclosed quote: no CSV at all. One in an action file's name, one in a request file's.
    writeFileSync(join(dropDir, 'XQ0000000000BB-SL.csv'), '"請求編號,處置\nXQ0000000000BB,受理');
    writeFileSync(join(dropDir, 'broken-request.csv'), '"請求編號\nx');
    await dropAction(dropDir, id.replace(/^HB:/, ''), { status: 'ACCEPTED', by: OFFICER, at: new Date().toISOString() });
    await turn();
    expect(dropped()).toEqual(['XQ0000000000BB-SL.csv.rejected', 'broken-request.csv.rejected']);
    expect((await desk.requestsById([id]))[0]?.status).toBe('ACCEPTED');
    for (const file of dropped()) rmSync(join(dropDir, file));
  });
});

describe('a drop folder that cannot be written', () => {
  it('is UNAVAILABLE and nothing is written', async () => {
    const id = await submitted();
    const blocked = join(dataDir, 'not-a-folder');
    writeFileSync(blocked, '');
    const stuck = new HbAssistanceDesk({ dropDir: blocked, exportsDir: hbExportsDir(dataDir) });
    const refused = await stuck.step(id, { status: 'ACCEPTED', by: OFFICER, at: new Date().toISOString() }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdapterError);
    expect((refused as AdapterError).kind).toBe('UNAVAILABLE');
    expect(dropped()).toEqual([]);
    expect((await desk.requestsById([id]))[0]?.status).toBe('PENDING');
  });
});
