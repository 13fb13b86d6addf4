/**
 * The demo data's values for the GraphiQL examples, read from the data directory's
 * scenarios.json (written by the seeded generator, standins/generator/scenarios.ts).
 *
 * The examples are only useful if they run as they open: an identity number or plate
 * that is not in the data answers null and teaches nothing. Development mode only; a
 * missing or unreadable file gives null (the page then shows placeholders), since
 * GraphiQL without demo data is still GraphiQL.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DemoValues } from './page-config.ts';

/** Where `npm start` seeds the demo data; `LIANDONG_DATA` moves it, as it does for npm start and the subgraphs. */
export function demoScenariosFile(env: NodeJS.ProcessEnv, root: string): string {
  return resolve(root, env.LIANDONG_DATA ?? '.data', 'scenarios.json');
}

interface ScenariosFile {
  personInAllRegions?: { legacyIdNumber?: unknown; name?: unknown };
  crossRegionCase?: { caseId?: unknown; plate?: unknown; officers?: unknown };
}

export function readDemoValues(file: string): DemoValues | null {
  if (!existsSync(file)) return null;
  let scenarios: ScenariosFile;
  try {
    scenarios = JSON.parse(readFileSync(file, 'utf8')) as ScenariosFile;
  } catch {
    return null;
  }
  const person = scenarios.personInAllRegions;
  const kase = scenarios.crossRegionCase;
  const officers = Array.isArray(kase?.officers) ? kase.officers : [];
  const values = {
    personIdNumber: person?.legacyIdNumber,
    // The first character of a Chinese name is (nearly always) the surname: a prefix search finds them.
    personNamePrefix: typeof person?.name === 'string' && person.name.length > 0 ? `${Array.from(person.name)[0]}*` : undefined,
    caseId: kase?.caseId,
    caseLead: officers[0],
    plate: kase?.plate,
  };
  return Object.values(values).every((v) => typeof v === 'string' && v.length > 0) ? (values as DemoValues) : null;
}
