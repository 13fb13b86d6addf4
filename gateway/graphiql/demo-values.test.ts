/**
 * The GraphiQL examples' demo values come from what the seeded generator wrote: a person
 * every region holds, the demo case and its lead, the suspect's vehicle.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CASE } from '../auth/demo-case.ts';
import { generate } from '../../standins/generator/generate.ts';
import { seedFromText } from '../../standins/generator/random.ts';
import { demoScenariosFile, readDemoValues } from './demo-values.ts';

const dir = mkdtempSync(join(tmpdir(), 'liandong-demo-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readDemoValues', () => {
  it("reads the seeded data's person, case, lead and plate", async () => {
    const dataDir = join(dir, 'data');
    await generate({ dataDir, personsPerRegion: 200, seed: seedFromText('liandong') });
    const scenarios = JSON.parse(readFileSync(join(dataDir, 'scenarios.json'), 'utf8'));
    const values = readDemoValues(join(dataDir, 'scenarios.json'));
    expect(values).toEqual({
      personIdNumber: scenarios.personInAllRegions.legacyIdNumber,
      personNamePrefix: `${Array.from(scenarios.personInAllRegions.name as string)[0]}*`,
      caseId: DEMO_CASE.caseId,
      caseLead: DEMO_CASE.lead,
      plate: scenarios.crossRegionCase.plate,
    });
  }, 30_000);

  it('gives null for a missing, unreadable or incomplete file (the page then shows placeholders)', () => {
    expect(readDemoValues(join(dir, 'nowhere.json'))).toBeNull();
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(readDemoValues(join(dir, 'bad.json'))).toBeNull();
    writeFileSync(
      join(dir, 'old.json'),
      JSON.stringify({
        personInAllRegions: { legacyIdNumber: '321202980212127', name: '張三' },
        crossRegionCase: { caseId: 'JS:C-1', plate: 'x' },
      }),
    );
    expect(readDemoValues(join(dir, 'old.json'))).toBeNull();
  });

  it('finds the data where npm start seeds it: LIANDONG_DATA, else .data', () => {
    expect(demoScenariosFile({}, '/repo')).toBe('/repo/.data/scenarios.json');
    expect(demoScenariosFile({ LIANDONG_DATA: '/elsewhere' }, '/repo')).toBe('/elsewhere/scenarios.json');
  });
});
