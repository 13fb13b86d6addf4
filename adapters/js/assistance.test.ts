/**
 * JS's write side reads requests in a bounded number of queries: an inbox of many requests
 * reads all their histories in one query on `t_xc_step`, not one per request (issue #14),
 * and each request still gets exactly its own steps, in order.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NewAssistanceRequest, RegionAdapter } from '../adapter.ts';
import { generate } from '../../standins/generator/generate.ts';
import { createAdapter } from './index.ts';

let dataDir: string;
let adapter: RegionAdapter;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'liandong-js-xc-'));
  await generate({ dataDir, personsPerRegion: 50, seed: 7, regions: ['JS'] });
  adapter = await createAdapter({ dataDir, settings: {} });
}, 60_000);

afterAll(async () => {
  await adapter?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const request = (n: number): NewAssistanceRequest => ({
  idempotencyKey: `history-${n}-key`,
  caseRef: 'GZ:GZ2026000001',
  fromRegion: 'GZ',
  requestedBy: 'GZ-0200001',
  subjects: ['520102199001011234'],
  ask: ['PERSON_RECORDS'],
  urgency: 'NORMAL',
  note: null,
  requestedAt: `2026-12-01T0${n}:00:00.000Z`,
  deadline: `2026-12-02T0${n}:00:00.000Z`,
});

describe('JS assistance desk', () => {
  it('reads the histories of a whole inbox in one query, each request with exactly its own steps in order', async () => {
    const desk = adapter.assistance!;
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push((await desk.submit(request(n))).request.id);
    await desk.step!(ids[1]!, { status: 'ACCEPTED', by: 'JS-0310001', at: '2026-12-01T10:00:00.000Z' });
    await desk.step!(ids[1]!, { status: 'ANSWERED', by: 'JS-0310001', at: '2026-12-01T11:00:00.000Z', note: '已查', records: [] });
    await desk.step!(ids[3]!, { status: 'DECLINED', by: 'JS-0310002', at: '2026-12-01T12:00:00.000Z', reason: '非本地' });

    // Watches the statements the desk prepares on its own connection (the real database).
    const prepare = vi.spyOn(Database.prototype, 'prepare');
    try {
      const inbox = await desk.inbox(null);
      const onSteps = prepare.mock.calls.filter(([sql]) => /\bt_xc_step\b/.test(sql));
      expect(onSteps).toHaveLength(1);
      expect(inbox.map((r) => r.id)).toEqual([...ids].reverse());
      const byId = new Map(inbox.map((r) => [r.id, r.history.map((h) => `${h.status}:${h.by}`)]));
      expect(byId.get(ids[0]!)).toEqual(['PENDING:GZ-0200001']);
      expect(byId.get(ids[1]!)).toEqual(['PENDING:GZ-0200001', 'ACCEPTED:JS-0310001', 'ANSWERED:JS-0310001']);
      expect(byId.get(ids[3]!)).toEqual(['PENDING:GZ-0200001', 'DECLINED:JS-0310002']);

      prepare.mockClear();
      const some = await desk.requestsById([ids[3]!, 'AR-NONE', ids[1]!, ids[3]!]);
      expect(prepare.mock.calls.filter(([sql]) => /\bt_xc_step\b/.test(sql))).toHaveLength(1);
      expect(some.map((r) => r?.id ?? null)).toEqual([ids[3], null, ids[1], ids[3]]);
      expect(some[2]!.history.map((h) => h.status)).toEqual(['PENDING', 'ACCEPTED', 'ANSWERED']);
    } finally {
      prepare.mockRestore();
    }
  });
});
