/**
 * HB's system under `npm start` (standins/hb/system.ts): its intake takes a request dropped
 * by the HB adapter out of the drop folder and publishes the next export with it, as a real
 * process on seeded data (issue #14: without it, demo HB requests never left the folder).
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HbAssistanceDesk } from '../../adapters/hb/assistance.ts';
import { HB_DROP_DIR } from '../../standins/hb/format.ts';
import { hbExportsDir } from '../../standins/hb/writer.ts';
import { startProcess, stopAll, type TestProcess } from '../support/processes.ts';
import { seedData } from '../support/system.ts';

let dataDir: string;
let intake: TestProcess;
const manifests = () => readdirSync(hbExportsDir(dataDir)).filter((n) => n.endsWith('.manifest.json'));

beforeAll(async () => {
  dataDir = await seedData(50);
  intake = await startProcess({
    name: 'HB intake',
    file: 'standins/hb/system.ts',
    args: ['--data', dataDir, '--every-seconds', '1'],
    readyLine: /^HB intake running/,
  });
});

afterAll(async () => {
  await stopAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('HB intake under npm start', () => {
  it('publishes no export while the drop folder is empty', async () => {
    const before = manifests();
    // Two turns at least (one a second); an export would be a new manifest.
    await new Promise((r) => setTimeout(r, 2500));
    expect(manifests()).toEqual(before);
  });

  it('takes a dropped request in and carries it, received and pending, in the next export', async () => {
    // The folder the HB adapter makes when it starts (adapters/hb/adapter.ts); only its desk is used here.
    mkdirSync(join(dataDir, HB_DROP_DIR), { recursive: true });
    const desk = new HbAssistanceDesk({ dropDir: join(dataDir, HB_DROP_DIR), exportsDir: hbExportsDir(dataDir) });
    const now = Date.now();
    const { request } = await desk.submit({
      idempotencyKey: `intake-${process.pid}`,
      caseRef: 'JS:C-2026-000001',
      fromRegion: 'JS',
      requestedBy: '3200001',
      subjects: ['320102199001011234'],
      ask: ['PERSON_RECORDS'],
      urgency: 'NORMAL',
      note: null,
      requestedAt: new Date(now).toISOString(),
      deadline: new Date(now + 86_400_000).toISOString(),
    });
    const dropped = join(dataDir, HB_DROP_DIR, `${request.id}.csv`);
    const before = manifests().length;
    const until = Date.now() + 20_000;
    while (existsSync(dropped) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(dropped), `still in the drop folder; intake said:\n${intake.output()}`).toBe(false);
    expect(manifests().length).toBe(before + 1);
    // Now only the export holds it (the dropped file is gone), and HB's officers have not acted yet.
    const [exported] = await desk.requestsById([request.id]);
    expect(exported).toMatchObject({ id: request.id, status: 'PENDING', caseRef: 'JS:C-2026-000001' });
    expect(intake.output()).toMatch(/took in the drop folder; published hb-export-/);
    // Ids that are no request number of HB's name no file (a lookup reads the asked ids' files only).
    expect(await desk.requestsById(['../../scenarios', 'XQ000000000000', request.id.toLowerCase()])).toEqual([null, null, null]);
  });
});
