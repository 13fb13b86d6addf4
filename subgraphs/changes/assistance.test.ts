/**
 * Assistance requests on a region's change stream, over JS's real database and adapter:
 * its change-log trigger names each request written, the publisher's AssistanceNews reads
 * back what happened (REQUESTED, ACCEPTED, ANSWERED), and a request past its deadline is
 * announced OVERDUE once — also across a restart (a new AssistanceNews on the same file).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent, NewAssistanceRequest, RegionAdapter } from '../../adapters/adapter.ts';
import { createAdapter } from '../../adapters/js/index.ts';
import { generate } from '../../standins/generator/generate.ts';
import { silentLogger } from '../logger.ts';
import { AssistanceNews } from './assistance.ts';

let dataDir: string;
let adapter: RegionAdapter;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'liandong-js-xc-news-'));
  await generate({ dataDir, personsPerRegion: 50, seed: 11, regions: ['JS'] });
  adapter = await createAdapter({ dataDir, settings: {} });
}, 60_000);

afterAll(async () => {
  await adapter?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const hour = 3_600_000;
const request = (key: string, deadline: number): NewAssistanceRequest => ({
  idempotencyKey: key,
  caseRef: 'GZ:GZ2026000001',
  fromRegion: 'GZ',
  requestedBy: 'GZ-0200001',
  subjects: ['520102199001011234'],
  ask: ['PERSON_RECORDS'],
  urgency: 'URGENT',
  note: null,
  requestedAt: new Date(deadline - hour).toISOString(),
  deadline: new Date(deadline).toISOString(),
});

const assistanceOf = (changes: ChangeEvent[]) =>
  changes.filter((c) => c.type === 'AssistanceRequest').map((c) => `${c.id} ${c.assistance?.happened} ${c.assistance?.requestedBy}`);

describe('assistance requests on the change stream', () => {
  it("names each request written in JS's change log, and reads back what happened to it", async () => {
    const news = new AssistanceNews(adapter.assistance, 'JS', { overdueFile: null, logger: silentLogger });
    const { position } = await adapter.changes.changesSince(null);
    const desk = adapter.assistance!;
    const { request } = await desk.submit(dueInAnHour('steps'));
    const made = await adapter.changes.changesSince(position);
    expect(made.changes.map((c) => [c.type, c.id, c.idNumbers, c.plates])).toEqual([['AssistanceRequest', request.id, [], []]]);
    expect(assistanceOf(await news.annotate(made.changes))).toEqual([`${request.id} REQUESTED GZ-0200001`]);

    await desk.step!(request.id, { status: 'ACCEPTED', by: 'JS-0310001', at: new Date().toISOString() });
    const accepted = await adapter.changes.changesSince(made.position);
    expect(assistanceOf(await news.annotate(accepted.changes))).toEqual([`${request.id} ACCEPTED GZ-0200001`]);
    await desk.step!(request.id, { status: 'ANSWERED', by: 'JS-0310001', at: new Date().toISOString(), note: '已查', records: [] });
    const answered = await adapter.changes.changesSince(accepted.position);
    expect(assistanceOf(await news.annotate(answered.changes))).toEqual([`${request.id} ANSWERED GZ-0200001`]);
  });

  it('announces a request past its deadline once, not again after a restart, and forgets it once it is closed', async () => {
    const file = join(dataDir, 'JS', 'assistance-overdue.json');
    const desk = adapter.assistance!;
    const late = (await desk.submit(request('overdue-late', Date.now() - hour))).request;
    const notYet = (await desk.submit(request('overdue-not-yet', Date.now() + hour))).request;
    const options = { overdueFile: file, checkMs: 0, logger: silentLogger };

    const first = new AssistanceNews(adapter.assistance, 'JS', options);
    const found = await first.overdue();
    expect(found.map((c) => [c.id, c.assistance?.happened, c.at])).toEqual([[late.id, 'OVERDUE', late.deadline]]);
    expect(found.some((c) => c.id === notYet.id)).toBe(false);
    // Not yet sent: found again; sent: not again.
    expect((await first.overdue()).map((c) => c.id)).toEqual([late.id]);
    first.announced(found);
    expect(await first.overdue()).toEqual([]);

    // The subgraph restarts: the file says it was announced.
    const restarted = new AssistanceNews(adapter.assistance, 'JS', options);
    expect(await restarted.overdue()).toEqual([]);

    // Declined, it is forgotten (the file no longer lists it).
    await desk.step!(late.id, { status: 'DECLINED', by: 'JS-0310001', at: new Date().toISOString(), reason: '過期' });
    restarted.announced(await restarted.overdue());
    expect(JSON.parse(readFileSync(file, 'utf8')).announced).toEqual([]);
  });

  it('gives none while the requests cannot be read, and finds them at the next check', async () => {
    let now = Date.now();
    let down = true;
    const desk = adapter.assistance!;
    // JS's real desk, with its system switched off for a while.
    const flaky = {
      requestsById: desk.requestsById.bind(desk),
      inbox: (status: Parameters<typeof desk.inbox>[0]) =>
        down ? Promise.reject(new Error('JS database unreachable')) : desk.inbox(status),
    };
    const late = (await desk.submit(request('overdue-while-down', Date.now() - hour))).request;
    const news = new AssistanceNews(flaky, 'JS', { overdueFile: null, checkMs: 1000, logger: silentLogger, now: () => now });
    expect(await news.overdue()).toEqual([]);
    down = false;
    expect(await news.overdue()).toEqual([]); // not yet due for another check
    now += 1000;
    expect((await news.overdue()).map((c) => c.id)).toContain(late.id);
  });

  it('checks deadlines at most every checkMs', async () => {
    let now = Date.now();
    const news = new AssistanceNews(adapter.assistance, 'JS', { overdueFile: null, checkMs: 1000, logger: silentLogger, now: () => now });
    await adapter.assistance!.submit(request('overdue-throttled', Date.now() - hour));
    expect((await news.overdue()).length).toBeGreaterThan(0);
    now += 500;
    expect(await news.overdue()).toEqual([]); // too soon: not even read
    now += 600;
    expect((await news.overdue()).length).toBeGreaterThan(0); // read again; none was sent, so found again
  });
});

function dueInAnHour(key: string): NewAssistanceRequest {
  return request(key, Date.now() + hour);
}
