/**
 * GZ's code tables mapped to the contract's values — the one place this adapter
 * knows them. Codes the contract can express as "unknown" (sex, case type, status)
 * are surfaced with the code as recorded; codes of fields with no such value (role,
 * wanted status, alert kind, energy) make the record BAD_SOURCE_DATA rather than a
 * guessed answer.
 */
import type { AlertKind, OfficerDuty, CaseStatus, CaseType, EnergyType, PartyRole, Sex, WantedStatus } from '../adapter.ts';
import { badData } from './errors.ts';

const SEX: Record<string, Sex> = { 1: 'MALE', 2: 'FEMALE' };
const CASE_TYPE: Record<string, CaseType> = {
  101: 'ASSAULT',
  201: 'THEFT',
  202: 'ROBBERY',
  301: 'TELECOM_FRAUD',
  302: 'ONLINE_GAMBLING',
  401: 'DRUG_TRAFFICKING',
  501: 'TRAFFIC_OFFENCE',
  999: 'OTHER',
};
const CASE_STATUS: Record<string, CaseStatus> = {
  10: 'REGISTERED',
  20: 'INVESTIGATING',
  30: 'SOLVED',
  40: 'PROSECUTED',
  50: 'CLOSED',
  99: 'UNKNOWN',
};
const PARTY_ROLE: Record<string, PartyRole> = { 1: 'SUSPECT', 2: 'VICTIM', 3: 'WITNESS' };
const WANTED_STATUS: Record<string, WantedStatus> = { 1: 'AT_LARGE', 2: 'CAUGHT', 3: 'WITHDRAWN' };
const ALERT_KIND: Record<string, AlertKind> = { '01': 'STOLEN', '02': 'CASE_INVOLVED' };
/** GA 24.9 energy codes: A petrol, B diesel; C electric, D hybrid, E fuel cell. */
const ENERGY: Record<string, EnergyType> = { A: 'FUEL', B: 'FUEL', C: 'NEW_ENERGY', D: 'NEW_ENERGY', E: 'NEW_ENERGY' };
const ACTIVE: Record<string, boolean> = { 1: true, 0: false };
const DUTY: Record<string, OfficerDuty> = { '01': 'LEAD', '02': 'MEMBER', '03': 'ASSISTING' };

function strict<T>(table: Record<string, T>, field: string, code: string): T {
  const value = table[code];
  if (value === undefined) {
    throw badData(`${field} code "${code}" is not in GZ's code table; expected one of ${Object.keys(table).join(', ')}`);
  }
  return value;
}

export function sexFromGz(code: string): { sex: Sex; sexCodeAsRecorded: string | null } {
  const sex = SEX[code];
  return sex ? { sex, sexCodeAsRecorded: null } : { sex: 'UNKNOWN', sexCodeAsRecorded: code };
}
export const caseTypeFromGz = (code: string): CaseType => CASE_TYPE[code] ?? 'OTHER';
export const caseStatusFromGz = (code: string): CaseStatus => CASE_STATUS[code] ?? 'UNKNOWN';
export const partyRoleFromGz = (code: string) => strict(PARTY_ROLE, 'party role (jslx)', code);
export const wantedStatusFromGz = (code: string) => strict(WANTED_STATUS, 'wanted status (tjzt)', code);
export const alertKindFromGz = (code: string) => strict(ALERT_KIND, 'alert kind (bklx)', code);
export const energyFromGz = (code: string) => strict(ENERGY, 'energy type (nylx)', code);
export const dutyFromGz = (code: string) => strict(DUTY, 'officer duty (zz)', code);
export const activeFromGz = (code: string) => strict(ACTIVE, 'alert validity (yxbz)', code);

/** GZ codes for a contract value (to filter searches); the unknown/other value matches every unmapped code. */
export interface CodeFilter {
  include?: string;
  exclude?: string;
}

function codesFor<T extends string>(table: Record<string, T>, value: T, catchAll: T): CodeFilter {
  const codes = Object.keys(table);
  if (value === catchAll) return { exclude: codes.filter((c) => table[c] !== catchAll).join(',') };
  return { include: codes.filter((c) => table[c] === value).join(',') };
}

export const sexFilter = (sex: Sex) => codesFor(SEX as Record<string, Sex>, sex, 'UNKNOWN');
export const caseTypeFilter = (type: CaseType) => codesFor(CASE_TYPE, type, 'OTHER');
export const caseStatusFilter = (status: CaseStatus) => codesFor(CASE_STATUS, status, 'UNKNOWN');
export const energyFilter = (energy: EnergyType) =>
  Object.keys(ENERGY)
    .filter((c) => ENERGY[c] === energy)
    .join(',');
