/**
 * Story records the integration tests name by id (DATA/scenarios.json). They are found
 * by walking the deterministic world from the start until the first person that fits,
 * then written into the data as forced records (JS case 0, HB notice 0, HB alert 0).
 */
import { toLegacyIdNumber } from '../../common/normalise/index.ts';
import { REGIONS, localIndexOf, type Identity, type Region } from './population.ts';
import { liandongId, recordIds } from './ids.ts';
import type { Forced, World } from './world.ts';

const ALL_REGIONS_CLASS = 0;

/**
 * The officer who leads the cross-region case: the demo investigator `npm start` prints
 * a token for (gateway/auth/dev-key.ts, DEMO_OFFICERS), so the demo's example case
 * unlocks contact details for that token. generator.test.ts checks the two agree.
 */
export const DEMO_CASE_LEAD = 'JS-0310552';
const JS_HB_CLASS = 2;

export interface Scenarios {
  seed: number;
  personsPerRegion: number;
  /** A person held by JS, GZ and HB; GZ records them under the 15-digit legacy number. */
  personInAllRegions: { idNumber: string; legacyIdNumber: string; name: string; recordIds: Record<Region, string> };
  /** A JS case whose suspect (also held by GZ) owns a vehicle registered in HB that HB has an active alert on. */
  crossRegionCase: {
    caseId: string;
    suspectIdNumber: string;
    plate: string;
    vehicleRecordId: string;
    hbAlertId: string;
    /** Police numbers of the officers assigned to it (lead first, then members and assisting officers). */
    officers: string[];
  };
  /** A person wanted (AT_LARGE) in HB who also has a JS record. */
  wantedInHb: { idNumber: string; noticeId: string; jsRecordId: string };
}

function firstIdentity(world: World, cls: number, fits: (identity: Identity) => boolean): Identity {
  for (let j = 0; j < world.personsPerRegion; j++) {
    const identity = { cls, j };
    if (fits(identity)) return identity;
  }
  throw new Error(`no person of class ${cls} fits the scenario among ${world.personsPerRegion} persons; use more persons`);
}

function recordIdsOf(world: World, identity: Identity): Record<Region, string> {
  return Object.fromEntries(
    REGIONS.map((region) => {
      const i = localIndexOf(region, identity, world.personsPerRegion);
      if (i === null) throw new Error(`scenario person ${JSON.stringify(identity)} is not held by ${region}`);
      return [region, liandongId(region, recordIds[region].person(i))];
    }),
  ) as Record<Region, string>;
}

const heldByAll = (world: World, identity: Identity) => REGIONS.every((r) => localIndexOf(r, identity, world.personsPerRegion) !== null);

/** Choose the story persons and tell the world to write the forced records. */
export function planScenarios(world: World): Scenarios {
  const legacy = firstIdentity(world, ALL_REGIONS_CLASS, (identity) => {
    const { idNumber } = world.person(identity);
    return heldByAll(world, identity) && world.idNumberAsRecorded('GZ', identity, idNumber).length === 15;
  });
  const suspect = firstIdentity(
    world,
    ALL_REGIONS_CLASS,
    (identity) => heldByAll(world, identity) && world.platesOwnedBy(identity).some((o) => o.region === 'HB'),
  );
  const hbVehicle = world.platesOwnedBy(suspect).find((o) => o.region === 'HB')!;
  const wanted = { cls: JS_HB_CLASS, j: 0 };
  const forced: Forced = {
    crossRegionSuspect: suspect,
    crossRegionPlate: hbVehicle.plate,
    wantedInHb: wanted,
    crossRegionCaseLead: DEMO_CASE_LEAD,
  };
  world.forced = forced;

  const legacyPerson = world.person(legacy);
  const firstCase = world.caseRecord('JS', 0);
  const jsIndexOfWanted = localIndexOf('JS', wanted, world.personsPerRegion)!;
  return {
    seed: world.seed,
    personsPerRegion: world.personsPerRegion,
    personInAllRegions: {
      idNumber: legacyPerson.idNumber,
      legacyIdNumber: toLegacyIdNumber(legacyPerson.idNumber),
      name: legacyPerson.name,
      recordIds: recordIdsOf(world, legacy),
    },
    crossRegionCase: {
      caseId: liandongId('JS', firstCase.id),
      suspectIdNumber: world.person(suspect).idNumber,
      plate: hbVehicle.plate,
      vehicleRecordId: liandongId('HB', recordIds.HB.vehicle(hbVehicle.index)),
      hbAlertId: liandongId('HB', world.alert('HB', 0).id),
      officers: world.caseOfficers('JS', 0).map((o) => o.officerId),
    },
    wantedInHb: {
      idNumber: world.person(wanted).idNumber,
      noticeId: liandongId('HB', world.notice('HB', 0).id),
      jsRecordId: liandongId('JS', recordIds.JS.person(jsIndexOfWanted)),
    },
  };
}
