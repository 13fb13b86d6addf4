/**
 * A deterministic GZ-only data set, for the stand-in's own tests and measurements
 * before (and independently of) the shared generator: record `i` of each kind is a
 * pure function of `i`, so a test can recompute what it expects, and a million
 * persons stream without being held in memory.
 */
import type {
  CaseOfficer,
  CaseRecord,
  CaseType,
  CaseStatus,
  PersonRecord,
  VehicleAlert,
  VehicleRecord,
  WantedNotice,
} from '../../adapters/adapter.ts';
import { idNumberCheckChar, toLegacyIdNumber } from '../../common/normalise/index.ts';
import type { RegionWriter } from '../region-writer.ts';
import { createGzWriter } from './writer.ts';

const AREAS = ['520102', '520103', '520111', '522301'];
const SURNAMES = '王李張劉陳楊趙黃周吳徐孫胡朱高林何郭馬羅';
const GIVEN = ['偉', '芳', '娜', '秀英', '敏', '靜', '麗', '強', '磊', '軍', '洋', '勇', '艷', '傑', '娟', '濤', '明', '超', '秀蘭', '霞'];
const CASE_TYPES: CaseType[] = [
  'TELECOM_FRAUD',
  'THEFT',
  'ROBBERY',
  'DRUG_TRAFFICKING',
  'ONLINE_GAMBLING',
  'ASSAULT',
  'TRAFFIC_OFFENCE',
  'OTHER',
];
const CASE_STATUSES: CaseStatus[] = ['REGISTERED', 'INVESTIGATING', 'SOLVED', 'PROSECUTED', 'CLOSED', 'UNKNOWN'];
const BIRTH_BASE = Date.UTC(1940, 0, 1);
const DAY = 86_400_000;
const UPDATED_BASE = Date.UTC(2026, 0, 1);

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export interface SampleSizes {
  persons: number;
  cases: number;
  vehicles: number;
  notices: number;
  alerts: number;
}

/** Proportions of the other kinds to persons. */
export function sampleSizes(persons: number): SampleSizes {
  const vehicles = Math.ceil(persons / 2);
  return { persons, cases: Math.ceil(persons / 5), vehicles, notices: Math.ceil(persons / 10), alerts: Math.ceil(vehicles / 6) };
}

/**
 * Unique for i < 25,000,000: the birth day cycles over 25,000 days and, for one day,
 * the sequence differs between cycles (offset by the day so both sexes occur).
 */
export function sampleIdNumber(i: number): string {
  const day = i % 25_000;
  const birth = isoDate(BIRTH_BASE + day * DAY).replaceAll('-', '');
  const sequence = (Math.floor(i / 25_000) + day) % 1000;
  const first17 = `${AREAS[Math.floor(i / 25_000_000) % AREAS.length]}${birth}${pad(sequence, 3)}`;
  return first17 + idNumberCheckChar(first17);
}

export function samplePerson(i: number): PersonRecord {
  const idNumber = sampleIdNumber(i);
  const legacy = idNumber.slice(6, 8) === '19' && i % 3 === 0;
  const unknownSex = i % 53 === 7;
  return {
    id: `RK${pad(i, 8)}`,
    idNumber,
    idNumberAsRecorded: legacy ? toLegacyIdNumber(idNumber) : idNumber,
    name: SURNAMES[i % SURNAMES.length] + GIVEN[(i * 7) % GIVEN.length],
    sex: unknownSex ? 'UNKNOWN' : Number(idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
    sexCodeAsRecorded: unknownSex ? '0' : null,
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    address: i % 11 === 0 ? null : `貴州省貴陽市南明區花果園${(i % 300) + 1}號`,
    phone: i % 7 === 0 ? null : `139${pad((i * 7919) % 100_000_000, 8)}`,
    updatedAt: isoTime(UPDATED_BASE + i * 60_000),
  };
}

export function samplePlate(i: number): string {
  return i % 5 === 0 ? `貴A${pad(i % 100_000, 5)}D` : `貴${'ABCEF'[Math.floor(i / 100_000) % 5]}${pad(i % 100_000, 5)}`;
}

export function sampleVehicle(i: number, persons: number): VehicleRecord {
  const plate = samplePlate(i);
  return {
    id: `CL${pad(i, 8)}`,
    plate,
    plateAsRecorded: i % 4 === 1 ? `${plate.slice(0, 2)}·${plate.slice(2)}` : plate,
    vin: `LGBH52E0${pad(i, 9)}`,
    make: ['長安', '比亞迪', '大眾', '豐田'][i % 4],
    model: ['CS75', '秦PLUS', '朗逸', '卡羅拉'][i % 4],
    colour: ['白', '黑', '銀', '紅'][i % 4],
    energy: i % 5 === 0 ? 'NEW_ENERGY' : 'FUEL',
    ownerIdNumber: i % 9 === 4 ? null : sampleIdNumber((i * 2) % persons),
    registeredAt: isoDate(Date.UTC(2010, 0, 1) + (i % 5000) * DAY),
    updatedAt: isoTime(UPDATED_BASE + i * 60_000),
  };
}

export function sampleCase(j: number, sizes: SampleSizes): CaseRecord {
  const type = CASE_TYPES[j % CASE_TYPES.length];
  const status = CASE_STATUSES[j % CASE_STATUSES.length];
  return {
    id: `C-2026-${pad(j, 6)}`,
    caseNumber: `黔公（南）立字〔2026〕${j + 1}號`,
    type,
    typeCodeAsRecorded: type === 'OTHER' ? '999' : '',
    status,
    statusCodeAsRecorded: status === 'UNKNOWN' ? '99' : '',
    reportedAt: isoTime(Date.UTC(2026, 0, 1) + j * 3_600_000),
    place: ['貴陽市南明區', '貴陽市雲岩區', '遵義市紅花崗區'][j % 3],
    lossAmount: j % 4 === 0 ? null : ((j * 137) % 100_000) + 0.5,
    summary: j % 6 === 0 ? null : `案情摘要第${j}號`,
    parties: [
      { role: 'SUSPECT', idNumber: sampleIdNumber((j * 3) % sizes.persons), nameAsRecorded: samplePerson((j * 3) % sizes.persons).name },
      {
        role: 'VICTIM',
        idNumber: sampleIdNumber((j * 3 + 1) % sizes.persons),
        nameAsRecorded: samplePerson((j * 3 + 1) % sizes.persons).name,
      },
      ...(j % 5 === 0 ? [{ role: 'WITNESS' as const, idNumber: sampleIdNumber((j * 3 + 2) % sizes.persons), nameAsRecorded: '證人' }] : []),
    ],
    vehiclePlates: j % 2 === 0 ? [samplePlate(j % sizes.vehicles)] : [],
    updatedAt: isoTime(UPDATED_BASE + j * 60_000),
  };
}

export function sampleNotice(k: number, sizes: SampleSizes): WantedNotice {
  return {
    id: `TJ${pad(k, 8)}`,
    idNumber: sampleIdNumber((k * 10) % sizes.persons),
    status: (['AT_LARGE', 'CAUGHT', 'WITHDRAWN'] as const)[k % 3],
    reason: '涉嫌電信詐騙',
    caseId: k % 2 === 0 ? sampleCase(k % sizes.cases, sizes).id : null,
    issuedAt: k % 2 === 0 ? isoTime(Date.UTC(2025, 5, 1) + k * 60_000) : isoDate(Date.UTC(2025, 5, 1) + (k % 300) * DAY),
    updatedAt: isoTime(UPDATED_BASE + k * 60_000),
  };
}

export function sampleAlert(a: number, sizes: SampleSizes): VehicleAlert {
  return {
    id: `BK${pad(a, 8)}`,
    plate: samplePlate((a * 6) % sizes.vehicles),
    kind: a % 2 === 0 ? 'STOLEN' : 'CASE_INVOLVED',
    active: a % 3 !== 2,
    caseId: a % 2 === 1 ? sampleCase(a % sizes.cases, sizes).id : null,
    issuedAt: isoTime(Date.UTC(2025, 8, 1) + a * 60_000),
    updatedAt: isoTime(UPDATED_BASE + a * 60_000),
  };
}

/** Case `j`'s officers: a GZ lead, and for every third case a JS team assisting (an officer of another region). */
export function sampleCaseOfficers(j: number): CaseOfficer[] {
  const officers: CaseOfficer[] = [{ officerId: `GZ-${pad(100_000 + (j % 50), 7)}`, duty: 'LEAD', team: null }];
  if (j % 3 === 0) officers.push({ officerId: `JS-${pad(200_000 + (j % 20), 7)}`, duty: 'ASSISTING', team: 'JS-XZ01' });
  return officers;
}

async function feed(writer: RegionWriter, sizes: SampleSizes): Promise<void> {
  for (let i = 0; i < sizes.persons; i++) await writer.person(samplePerson(i));
  for (let i = 0; i < sizes.vehicles; i++) await writer.vehicle(sampleVehicle(i, sizes.persons));
  for (let j = 0; j < sizes.cases; j++) await writer.case(sampleCase(j, sizes), sampleCaseOfficers(j));
  for (let k = 0; k < sizes.notices; k++) await writer.notice(sampleNotice(k, sizes));
  for (let a = 0; a < sizes.alerts; a++) await writer.alert(sampleAlert(a, sizes));
}

/** Write the sample for `persons` persons into `dataDir/gz/gz.db`. */
export async function writeGzSample(dataDir: string, persons: number): Promise<SampleSizes> {
  const sizes = sampleSizes(persons);
  const writer = await createGzWriter({ dataDir });
  await feed(writer, sizes);
  await writer.close();
  return sizes;
}
