/**
 * Hand-written records of a small region "JS", and a bulk builder for batching tests.
 * Identity numbers are real GB 11643 numbers (check characters computed, not typed).
 */
import type {
  CaseOfficer,
  CaseRecord,
  PersonRecord,
  RegionInfo,
  VehicleAlert,
  VehicleRecord,
  WantedNotice,
} from '../../adapters/adapter.ts';
import { idNumberCheckChar } from '../../common/normalise/index.ts';
import type { MemoryData } from './memory-adapter.ts';

const withCheck = (first17: string) => first17 + idNumberCheckChar(first17);

export const JS_REGION: RegionInfo = { code: 'JS', name: '江蘇', areaPrefixes: ['32'], plateProvinces: ['蘇'] };

/** 張偉: male, born 1985-03-12, stored by JS as a 15-digit legacy number; suspect, wanted, owns 蘇A12345. */
export const ZHANG = withCheck('32010219850312123');
export const ZHANG_LEGACY = `${ZHANG.slice(0, 6)}${ZHANG.slice(8, 17)}`;
/** 李娜: female, born 1990-01-01; victim. */
export const LI = withCheck('32050119900101002');
/** A person JS knows only as a witness (no person record here). */
export const WITNESS = withCheck('52010219790101456');
/** Valid, but JS holds nothing about this person. */
export const STRANGER = withCheck('11010119800101001');

const UPDATED = '2026-01-05T08:00:00Z';

export const PERSONS: PersonRecord[] = [
  {
    id: 'P-1',
    idNumber: ZHANG,
    idNumberAsRecorded: ZHANG_LEGACY,
    name: '張偉',
    sex: 'MALE',
    sexCodeAsRecorded: null,
    birthDate: '1985-03-12',
    address: '南京市玄武區中山路1號',
    phone: '13900000001',
    updatedAt: UPDATED,
  },
  {
    id: 'P-2',
    idNumber: LI,
    idNumberAsRecorded: LI,
    name: '李娜',
    sex: 'FEMALE',
    sexCodeAsRecorded: null,
    birthDate: '1990-01-01',
    address: null,
    phone: null,
    updatedAt: UPDATED,
  },
];

export const CASES: CaseRecord[] = [
  {
    id: 'C-2026-000001',
    caseNumber: '蘇公刑〔2026〕1號',
    type: 'THEFT',
    typeCodeAsRecorded: '0201',
    status: 'INVESTIGATING',
    statusCodeAsRecorded: '20',
    reportedAt: '2026-01-02T09:30:00Z',
    place: '南京市玄武區',
    lossAmount: 12000,
    summary: '停車場車輛被盜',
    vehiclePlates: ['蘇A12345'],
    updatedAt: UPDATED,
    parties: [
      { role: 'SUSPECT', idNumber: ZHANG, nameAsRecorded: '張偉' },
      { role: 'VICTIM', idNumber: LI, nameAsRecorded: '李娜' },
      { role: 'WITNESS', idNumber: WITNESS, nameAsRecorded: '王芳' },
    ],
  },
  {
    id: 'C-2026-000002',
    caseNumber: '蘇公刑〔2026〕2號',
    type: 'TELECOM_FRAUD',
    typeCodeAsRecorded: '0501',
    status: 'REGISTERED',
    statusCodeAsRecorded: '10',
    reportedAt: '2026-02-10T14:00:00Z',
    place: '蘇州市姑蘇區',
    lossAmount: null,
    summary: null,
    vehiclePlates: [],
    updatedAt: UPDATED,
    parties: [{ role: 'VICTIM', idNumber: ZHANG, nameAsRecorded: '張偉' }],
  },
];

export const VEHICLES: VehicleRecord[] = [
  {
    id: 'V-1',
    plate: '蘇A12345',
    plateAsRecorded: '苏A·12345',
    vin: 'LSVAU2180N2000001',
    make: '大眾',
    model: '朗逸',
    colour: '白',
    energy: 'FUEL',
    ownerIdNumber: ZHANG,
    registeredAt: '2020-05-01',
    updatedAt: UPDATED,
  },
  {
    id: 'V-2',
    plate: '蘇AD12345',
    plateAsRecorded: '蘇AD12345',
    vin: 'LGXCE4CB0N0000002',
    make: '比亞迪',
    model: '漢',
    colour: '黑',
    energy: 'NEW_ENERGY',
    ownerIdNumber: null,
    registeredAt: '2023-07-15',
    updatedAt: UPDATED,
  },
];

export const NOTICES: WantedNotice[] = [
  {
    id: 'W-1',
    idNumber: ZHANG,
    status: 'AT_LARGE',
    reason: '涉嫌盜竊',
    caseId: 'C-2026-000001',
    issuedAt: '2026-01-10T00:00:00Z',
    updatedAt: UPDATED,
  },
];

export const ALERTS: VehicleAlert[] = [
  {
    id: 'A-1',
    plate: '蘇A12345',
    kind: 'STOLEN',
    active: true,
    caseId: 'C-2026-000001',
    issuedAt: '2026-01-03T00:00:00Z',
    updatedAt: UPDATED,
  },
];

/** Fresh copies, so a test may change its data without touching another's. */
/** Who works the fixture case: a JS lead (the demo investigator's number) and a GZ officer assisting. */
export const CASE_OFFICERS: Record<string, CaseOfficer[]> = {
  'C-2026-000001': [
    { officerId: 'JS-0310552', duty: 'LEAD', team: null },
    { officerId: 'GZ-0188300', duty: 'ASSISTING', team: 'GZ-XZ02' },
  ],
};

export function smallRegion(): MemoryData {
  return structuredClone({ persons: PERSONS, cases: CASES, vehicles: VEHICLES, notices: NOTICES, alerts: ALERTS, officers: CASE_OFFICERS });
}

/** `n` cases, each with its own suspect (who has a person record and a wanted notice). */
export function manyCases(n: number): MemoryData {
  const data: MemoryData = { persons: [], cases: [], vehicles: [], notices: [], alerts: [] };
  for (let i = 1; i <= n; i++) {
    const seq = String(i).padStart(3, '0');
    const idNumber = withCheck(`32010219800101${seq}`);
    const caseId = `C-2026-${String(i).padStart(6, '0')}`;
    data.persons.push({ ...PERSONS[0], id: `P-${i}`, idNumber, idNumberAsRecorded: idNumber, name: `嫌疑人${i}` });
    data.cases.push({ ...CASES[0], id: caseId, vehiclePlates: [], parties: [{ role: 'SUSPECT', idNumber, nameAsRecorded: `嫌疑人${i}` }] });
    data.notices.push({ ...NOTICES[0], id: `W-${i}`, idNumber, caseId });
  }
  return data;
}
