/**
 * The generated world: every record as a pure function of (seed, region, index).
 *
 * Nothing is remembered between calls; a case in JS that names a suspect's vehicle
 * registered in HB recomputes that vehicle. Builders return the contract's shapes
 * (adapters/adapter.ts); each region's writer decides how its system stores them.
 */
import type {
  CaseOfficer,
  CaseParty,
  CaseRecord,
  CaseStatus,
  CaseType,
  PersonRecord,
  VehicleAlert,
  VehicleRecord,
  WantedNotice,
  WantedStatus,
} from '../../adapters/adapter.ts';
import { idNumberFacts, toLegacyIdNumber } from '../../common/normalise/index.ts';
import { KeyFactory, makeVin } from './keys.ts';
import {
  CLASSES,
  REGIONS,
  homeRegionOf,
  identityAt,
  localIndexOf,
  ordinal,
  pickLocalIndex,
  type Identity,
  type Region,
} from './population.ts';
import { AffinePermutation, Rng, hash32 } from './random.ts';
import {
  CASE_STATUS_NAMES,
  CASE_TYPE_NAMES,
  COLOURS,
  GEOGRAPHY,
  GIVEN_FEMALE,
  GIVEN_MALE,
  PLACE_KINDS,
  STREETS,
  SUMMARIES,
  SURNAMES,
  VEHICLE_MODELS,
  WANTED_REASONS,
  type VehicleModel,
} from './vocab.ts';
import { recordIds } from './ids.ts';
import { isoDate, isoSeconds } from './time.ts';

/** The generator's "now": fixed, so the same seed gives the same bytes on any day. */
export const GENERATED_AT = '2026-11-28T18:00:00Z';
const NOW_MS = Date.parse(GENERATED_AT);
const FIRST_CASE_MS = Date.parse('2024-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

/** Salts that keep each kind of draw independent of the others. */
enum Salt {
  Person = 1,
  Record,
  Vehicle,
  Case,
  Notice,
  Alert,
  Sex,
  Officer,
}

const CASE_TYPES: readonly (readonly [CaseType, number])[] = [
  ['TELECOM_FRAUD', 25],
  ['THEFT', 28],
  ['ROBBERY', 5],
  ['DRUG_TRAFFICKING', 8],
  ['ONLINE_GAMBLING', 10],
  ['ASSAULT', 10],
  ['TRAFFIC_OFFENCE', 12],
  ['OTHER', 2],
];
const NEW_ENERGY_MODELS = VEHICLE_MODELS.filter((m) => m.newEnergy);
const FUEL_MODELS = VEHICLE_MODELS.filter((m) => !m.newEnergy);
const VEHICLE_CASE_TYPES: ReadonlySet<CaseType> = new Set(['THEFT', 'ROBBERY', 'DRUG_TRAFFICKING', 'TRAFFIC_OFFENCE']);

export interface Sizes {
  persons: number;
  vehicles: number;
  cases: number;
  notices: number;
  alerts: number;
}

export function sizesFor(personsPerRegion: number): Sizes {
  return {
    persons: personsPerRegion,
    vehicles: Math.max(1, Math.floor(personsPerRegion / 2)),
    cases: Math.max(1, Math.floor(personsPerRegion / 4)),
    notices: Math.max(3, Math.floor(personsPerRegion / 50)),
    alerts: Math.max(3, Math.floor(personsPerRegion / 100)),
  };
}

/** Story records the integration tests rely on; see scenarios.ts. */
export interface Forced {
  crossRegionSuspect: Identity;
  crossRegionPlate: string;
  wantedInHb: Identity;
  /** Leads JS case 0 (the demo investigator of `npm start`, gateway/auth/dev-key.ts). */
  crossRegionCaseLead: string;
}

/**
 * Police numbers: each region's officers are `REGION-03NNNNN`, a roster of about one
 * officer per five cases (at least 12), so officers work several cases each. Teams that
 * assist other cases are `REGION-XZnn` (協作組), a dozen per region.
 */
const OFFICER_BASE = 300_000;
const TEAMS_PER_REGION = 12;
export const officerId = (region: Region, k: number) => `${region}-${pad(OFFICER_BASE + k, 7)}`;

interface PersonCore {
  idNumber: string;
  name: string;
  sex: 'MALE' | 'FEMALE';
  birthDate: string;
  home: Region;
}

interface VehicleCore {
  plate: string;
  model: VehicleModel;
  ownerIndex: number | null;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export class World {
  readonly sizes: Sizes;
  private readonly keys: KeyFactory;
  private readonly ownerPermutations = new Map<Region, AffinePermutation>();
  forced: Forced | null = null;

  constructor(
    readonly seed: number,
    readonly personsPerRegion: number,
  ) {
    if (!Number.isInteger(personsPerRegion) || personsPerRegion < 20) {
      throw new Error(`persons per region must be an integer of at least 20, got ${personsPerRegion}`);
    }
    this.sizes = sizesFor(personsPerRegion);
    this.keys = new KeyFactory(seed);
    const plates = Math.min(...REGIONS.map((r) => this.keys.plateCapacity(r)));
    if (this.sizes.vehicles > plates) {
      throw new Error(
        `persons per region ${personsPerRegion} needs ${this.sizes.vehicles} plates per region; the smallest province issues ${plates}`,
      );
    }
  }

  // ---------- persons ----------

  person(identity: Identity): PersonCore {
    const g = ordinal(identity);
    const rng = new Rng(this.seed, Salt.Person, g);
    const male = hash32(this.seed, Salt.Sex, g) % 100 < 51;
    const home = homeRegionOf(identity);
    const { idNumber } = this.keys.idNumber(home, g, male);
    const surname = SURNAMES[Math.floor(SURNAMES.length * rng.float() ** 2)];
    const given = male ? GIVEN_MALE : GIVEN_FEMALE;
    const name = surname + rng.pick(given) + (rng.chance(0.75) ? rng.pick(given) : '');
    return { idNumber, name, sex: male ? 'MALE' : 'FEMALE', birthDate: idNumberFacts(idNumber).birthDate, home };
  }

  personAt(region: Region, i: number): PersonCore {
    return this.person(identityAt(region, i));
  }

  /** How `region` writes this person's number: GZ often keeps the 15-digit legacy form; HB writes a lower-case x. */
  idNumberAsRecorded(region: Region, identity: Identity, idNumber: string): string {
    const h = hash32(this.seed, Salt.Record, ordinal(identity), REGIONS.indexOf(region)) % 100;
    if (region === 'GZ' && idNumber.slice(6, 8) === '19' && h < 60) return toLegacyIdNumber(idNumber);
    if (region === 'HB' && idNumber.endsWith('X') && h < 50) return `${idNumber.slice(0, 17)}x`;
    return idNumber;
  }

  personRecord(region: Region, i: number): PersonRecord {
    const identity = identityAt(region, i);
    const core = this.person(identity);
    const rng = new Rng(this.seed, Salt.Record, REGIONS.indexOf(region), i);
    const unknownSex = rng.chance(0.002);
    return {
      id: recordIds[region].person(i),
      idNumber: core.idNumber,
      idNumberAsRecorded: this.idNumberAsRecorded(region, identity, core.idNumber),
      name: core.name,
      sex: unknownSex ? 'UNKNOWN' : core.sex,
      sexCodeAsRecorded: null,
      birthDate: core.birthDate,
      address: rng.chance(0.97) ? this.address(region, rng) : null,
      phone: rng.chance(0.9) ? `1${rng.pick(['3', '5', '7', '8', '9'])}${rng.digits(9)}` : null,
      updatedAt: isoSeconds(NOW_MS - rng.int(5 * 365) * DAY_MS - rng.int(DAY_MS / 1000) * 1000),
    };
  }

  private address(region: Region, rng: Rng): string {
    const geo = GEOGRAPHY[region];
    const district = rng.pick(geo.districts);
    const city = district.city === district.district ? '' : district.city;
    return (
      `${geo.province}${city}${district.district}${rng.pick(STREETS)}${rng.between(1, 999)}號` +
      (rng.chance(0.7) ? `${rng.between(1, 30)}棟${rng.between(1, 6)}單元${rng.between(1, 33)}0${rng.between(1, 4)}室` : '')
    );
  }

  // ---------- vehicles ----------

  private ownerPermutation(region: Region) {
    let permutation = this.ownerPermutations.get(region);
    if (!permutation) {
      permutation = new AffinePermutation(this.personsPerRegion, this.seed + 20 + REGIONS.indexOf(region));
      this.ownerPermutations.set(region, permutation);
    }
    return permutation;
  }

  private vehicleCore(region: Region, v: number): VehicleCore {
    const rng = new Rng(this.seed, Salt.Vehicle, REGIONS.indexOf(region), v);
    const model = rng.pick(rng.chance(0.2) ? NEW_ENERGY_MODELS : FUEL_MODELS);
    const plate = this.keys.plate(region, v, model.newEnergy, rng.chance(0.8));
    const ownerIndex = rng.chance(0.03) ? null : this.ownerPermutation(region).apply(v);
    return { plate, model, ownerIndex };
  }

  vehicleRecord(region: Region, v: number): VehicleRecord {
    const core = this.vehicleCore(region, v);
    const rng = new Rng(this.seed, Salt.Vehicle + 100, REGIONS.indexOf(region), v);
    const registeredMs = NOW_MS - rng.int(12 * 365) * DAY_MS - DAY_MS;
    const modelYear = new Date(registeredMs).getUTCFullYear();
    return {
      id: recordIds[region].vehicle(v),
      plate: core.plate,
      plateAsRecorded: region === 'HB' ? `${core.plate.slice(0, 2)}·${core.plate.slice(2)}` : core.plate,
      vin: makeVin(
        core.model.wmi,
        rng.pick(['A', 'B', 'C', 'D']) + rng.digits(2) + rng.pick(['R', 'S', 'T']) + rng.digits(1),
        Math.max(2010, modelYear),
        rng.pick(['1', '2', '3', 'A', 'B']),
        REGIONS.indexOf(region) * 300_000 + v,
      ),
      make: core.model.make,
      model: core.model.model,
      colour: rng.pick(COLOURS),
      energy: core.model.newEnergy ? 'NEW_ENERGY' : 'FUEL',
      ownerIdNumber: core.ownerIndex === null ? null : this.personAt(region, core.ownerIndex).idNumber,
      registeredAt: isoDate(registeredMs),
      updatedAt: isoSeconds(registeredMs + rng.int(Math.max(1, (NOW_MS - registeredMs) / 1000)) * 1000),
    };
  }

  /** Plates registered to this person in any region (a pure lookup: the owner permutation runs backwards). */
  platesOwnedBy(identity: Identity): { region: Region; plate: string; index: number }[] {
    const owned: { region: Region; plate: string; index: number }[] = [];
    for (const region of CLASSES[identity.cls]) {
      const i = localIndexOf(region, identity, this.personsPerRegion);
      if (i === null) continue;
      const v = this.ownerPermutation(region).invert(i);
      if (v >= this.sizes.vehicles) continue;
      const core = this.vehicleCore(region, v);
      if (core.ownerIndex === i) owned.push({ region, plate: core.plate, index: v });
    }
    return owned;
  }

  // ---------- cases ----------

  caseRecord(region: Region, c: number): CaseRecord {
    const rng = new Rng(this.seed, Salt.Case, REGIONS.indexOf(region), c);
    const span = (NOW_MS - DAY_MS - FIRST_CASE_MS) / this.sizes.cases;
    const reportedMs = Math.floor((FIRST_CASE_MS + (c + rng.float()) * span) / 1000) * 1000;
    const year = new Date(reportedMs).getUTCFullYear();
    const type = rng.weighted(CASE_TYPES);
    const { parties, suspects } = this.caseParties(region, c, type, rng);
    const plates = this.casePlates(region, type, suspects, rng);
    const lossAmount = this.lossAmount(type, rng);
    const place = this.place(region, rng);
    const ageDays = (NOW_MS - reportedMs) / DAY_MS;
    const status = this.caseStatus(ageDays, rng);
    const names = (role: CaseParty['role']) => parties.find((p) => p.role === role)?.nameAsRecorded ?? '某人';
    const summary = rng.chance(0.95)
      ? rng
          .pick(SUMMARIES[type])
          .replaceAll('{victim}', names('VICTIM'))
          .replaceAll('{suspect}', names('SUSPECT'))
          .replaceAll('{amount}', String(lossAmount ?? 0))
          .replaceAll('{place}', place)
          .replaceAll('{vehicle}', plates[0] ? `號牌為${plates[0]}的車輛` : '一輛轎車')
      : null;
    return {
      id: recordIds[region].case(c, year),
      caseNumber: `${GEOGRAPHY[region].plateProvince}公刑立字〔${year}〕${pad(c + 1, 6)}號`,
      type,
      typeCodeAsRecorded: CASE_TYPE_NAMES[type],
      status,
      statusCodeAsRecorded: CASE_STATUS_NAMES[status],
      reportedAt: isoSeconds(reportedMs),
      place,
      lossAmount,
      summary,
      parties,
      vehiclePlates: plates,
      updatedAt: isoSeconds(reportedMs + Math.floor((rng.float() * (NOW_MS - reportedMs)) / 1000) * 1000),
    };
  }

  /** The case's parties, and which real persons its suspects are (to find their vehicles). */
  private caseParties(region: Region, c: number, type: CaseType, rng: Rng): { parties: CaseParty[]; suspects: Identity[] } {
    const parties: CaseParty[] = [];
    const suspectIdentities: Identity[] = [];
    const seen = new Set<string>();
    const add = (role: CaseParty['role'], identity: Identity) => {
      const core = this.person(identity);
      if (seen.has(core.idNumber)) return;
      seen.add(core.idNumber);
      parties.push({ role, idNumber: core.idNumber, nameAsRecorded: core.name });
      if (role === 'SUSPECT') suspectIdentities.push(identity);
    };
    const forced = this.forced;
    if (forced && region === 'JS' && c === 0) add('SUSPECT', forced.crossRegionSuspect);
    const suspects = type === 'THEFT' && rng.chance(0.4) ? 0 : rng.between(1, type === 'TELECOM_FRAUD' ? 3 : 2);
    const victims = type === 'DRUG_TRAFFICKING' || type === 'ONLINE_GAMBLING' ? 0 : rng.between(1, 2);
    const witnesses = rng.chance(0.3) ? 1 : 0;
    const draw = (role: CaseParty['role'], count: number, sharedBias: number) => {
      for (let k = 0; k < count; k++) add(role, identityAt(region, pickLocalIndex(rng, this.personsPerRegion, sharedBias)));
    };
    draw('SUSPECT', suspects, 0.5);
    draw('VICTIM', victims, 0.2);
    draw('WITNESS', witnesses, 0.1);
    return { parties, suspects: suspectIdentities };
  }

  private casePlates(region: Region, type: CaseType, suspects: Identity[], rng: Rng): string[] {
    const plates: string[] = [];
    const forced = this.forced;
    for (const identity of suspects) {
      for (const owned of this.platesOwnedBy(identity)) {
        const isForced = forced !== null && owned.plate === forced.crossRegionPlate && region === 'JS';
        if (isForced || rng.chance(0.5)) plates.push(owned.plate);
      }
    }
    if (plates.length === 0 && VEHICLE_CASE_TYPES.has(type) && rng.chance(0.6)) {
      plates.push(this.vehicleCore(region, rng.int(this.sizes.vehicles)).plate);
    }
    return [...new Set(plates)];
  }

  /**
   * Who works the case: a lead and sometimes a second officer of the case's region, and
   * for about a third of cases an assisting team — often another region's — with one or
   * two of its officers. Drawn from their own salt, so adding them changed no other record.
   */
  caseOfficers(region: Region, c: number): CaseOfficer[] {
    const rng = new Rng(this.seed, Salt.Officer, REGIONS.indexOf(region), c);
    const roster = Math.max(12, Math.ceil(this.sizes.cases / 5));
    const forced = this.forced;
    const lead = forced && region === 'JS' && c === 0 ? forced.crossRegionCaseLead : officerId(region, rng.int(roster));
    const officers: CaseOfficer[] = [{ officerId: lead, duty: 'LEAD', team: null }];
    const add = (officer: CaseOfficer) => {
      if (!officers.some((o) => o.officerId === officer.officerId)) officers.push(officer);
    };
    if (rng.chance(0.5)) add({ officerId: officerId(region, rng.int(roster)), duty: 'MEMBER', team: null });
    if (rng.chance(0.35)) {
      const teamRegion = rng.chance(0.6) ? rng.pick(REGIONS.filter((r) => r !== region)) : region;
      const team = `${teamRegion}-XZ${pad(rng.between(1, TEAMS_PER_REGION), 2)}`;
      for (let k = rng.between(1, 2); k > 0; k--) add({ officerId: officerId(teamRegion, rng.int(roster)), duty: 'ASSISTING', team });
    }
    return officers;
  }

  private lossAmount(type: CaseType, rng: Rng): number | null {
    switch (type) {
      case 'TELECOM_FRAUD':
        return rng.between(1, 2000) * 500;
      case 'THEFT':
        return rng.between(200, 50_000);
      case 'ROBBERY':
        return rng.between(100, 20_000);
      case 'ONLINE_GAMBLING':
        return rng.chance(0.5) ? rng.between(10, 5000) * 1000 : null;
      default:
        return null;
    }
  }

  private place(region: Region, rng: Rng): string {
    const district = rng.pick(GEOGRAPHY[region].districts);
    return `${district.city}${district.district}${rng.pick(STREETS)}${rng.pick(PLACE_KINDS)}`;
  }

  private caseStatus(ageDays: number, rng: Rng): CaseStatus {
    if (rng.chance(0.005)) return 'UNKNOWN';
    if (ageDays < 30)
      return rng.weighted([
        ['REGISTERED', 5],
        ['INVESTIGATING', 4],
        ['SOLVED', 1],
      ]);
    if (ageDays < 365)
      return rng.weighted([
        ['INVESTIGATING', 5],
        ['SOLVED', 3],
        ['PROSECUTED', 1],
        ['CLOSED', 1],
      ]);
    return rng.weighted([
      ['INVESTIGATING', 2],
      ['SOLVED', 3],
      ['PROSECUTED', 4],
      ['CLOSED', 2],
    ]);
  }

  // ---------- notices and alerts ----------

  notice(region: Region, k: number): WantedNotice {
    const rng = new Rng(this.seed, Salt.Notice, REGIONS.indexOf(region), k);
    let idNumber: string;
    let caseId: string | null = null;
    let reason: string = rng.pick(WANTED_REASONS);
    let issuedMs = NOW_MS - rng.between(1, 900) * DAY_MS;
    const forced = this.forced;
    const fromCase = rng.chance(0.7) ? this.caseRecord(region, rng.int(this.sizes.cases)) : null;
    const suspect = fromCase?.parties.find((p) => p.role === 'SUSPECT');
    if (forced && region === 'HB' && k === 0) {
      idNumber = this.person(forced.wantedInHb).idNumber;
    } else if (fromCase && suspect) {
      idNumber = suspect.idNumber;
      caseId = fromCase.id;
      reason = `涉嫌${CASE_TYPE_NAMES[fromCase.type]}，在逃`;
      issuedMs = Math.min(NOW_MS - DAY_MS, Date.parse(fromCase.reportedAt) + rng.between(7, 120) * DAY_MS);
    } else {
      idNumber = this.personAt(region, pickLocalIndex(rng, this.personsPerRegion, 0.5)).idNumber;
    }
    const status: WantedStatus =
      forced && region === 'HB' && k === 0
        ? 'AT_LARGE'
        : rng.weighted([
            ['AT_LARGE', 50],
            ['CAUGHT', 35],
            ['WITHDRAWN', 15],
          ]);
    return {
      id: recordIds[region].notice(k),
      idNumber,
      status,
      reason,
      caseId,
      issuedAt: isoSeconds(issuedMs),
      updatedAt: isoSeconds(issuedMs + Math.floor((rng.float() * (NOW_MS - issuedMs)) / 1000) * 1000),
    };
  }

  alert(region: Region, k: number): VehicleAlert {
    const rng = new Rng(this.seed, Salt.Alert, REGIONS.indexOf(region), k);
    const forced = this.forced;
    let plate: string;
    let kind: VehicleAlert['kind'];
    let caseId: string | null = null;
    let active = rng.chance(0.7);
    if (forced && region === 'HB' && k === 0) {
      plate = forced.crossRegionPlate;
      kind = 'CASE_INVOLVED';
      active = true;
    } else if (rng.chance(0.4)) {
      plate = this.vehicleCore(region, rng.int(this.sizes.vehicles)).plate;
      kind = 'STOLEN';
    } else {
      const record = this.caseRecord(region, rng.int(this.sizes.cases));
      plate = record.vehiclePlates[0] ?? this.vehicleCore(region, rng.int(this.sizes.vehicles)).plate;
      kind = 'CASE_INVOLVED';
      caseId = record.id;
    }
    const issuedMs = NOW_MS - rng.between(1, 700) * DAY_MS;
    return {
      id: recordIds[region].alert(k),
      plate,
      kind,
      active,
      caseId,
      issuedAt: isoSeconds(issuedMs),
      updatedAt: isoSeconds(issuedMs + Math.floor((rng.float() * (NOW_MS - issuedMs)) / 1000) * 1000),
    };
  }
}
