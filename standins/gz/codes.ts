/**
 * GZ's data dictionary (字典): the legacy system's own code tables, with the contract
 * value each code was registered for. The stand-in uses it to store what the generator
 * hands over; Liandong's GZ adapter keeps its own mapping (adapters/gz/codes.ts)
 * because in the real world the two sides are separate parties — the tests check that
 * the adapter reads back what GZ stored.
 */
import type { OfficerDuty, AlertKind, CaseStatus, CaseType, EnergyType, PartyRole, Sex, WantedStatus } from '../../adapters/adapter.ts';

/** 性別: GB/T 2261.1 style, 0 未知 and 9 未說明 also occur in old records. */
export const SEX_CODES: Record<Exclude<Sex, 'UNKNOWN'>, string> = { MALE: '1', FEMALE: '2' };
export const SEX_UNSTATED = '9';

/** 案件類別. 999 其他 is GZ's catch-all. */
export const CASE_TYPE_CODES: Record<CaseType, string> = {
  ASSAULT: '101',
  THEFT: '201',
  ROBBERY: '202',
  TELECOM_FRAUD: '301',
  ONLINE_GAMBLING: '302',
  DRUG_TRAFFICKING: '401',
  TRAFFIC_OFFENCE: '501',
  OTHER: '999',
};

/** 案件狀態. 99 待核 is used for records whose status was never entered. */
export const CASE_STATUS_CODES: Record<CaseStatus, string> = {
  REGISTERED: '10',
  INVESTIGATING: '20',
  SOLVED: '30',
  PROSECUTED: '40',
  CLOSED: '50',
  UNKNOWN: '99',
};

/** 角色類型. */
export const PARTY_ROLE_CODES: Record<PartyRole, string> = { SUSPECT: '1', VICTIM: '2', WITNESS: '3' };

/** 通緝狀態. */
export const WANTED_STATUS_CODES: Record<WantedStatus, string> = { AT_LARGE: '1', CAUGHT: '2', WITHDRAWN: '3' };

/** 布控類型. */
export const ALERT_KIND_CODES: Record<AlertKind, string> = { STOLEN: '01', CASE_INVOLVED: '02' };

/** 能源類型 (GA 24.9): A 汽油, B 柴油, C 純電, D 混合動力, E 燃料電池. */
export const ENERGY_CODES: Record<EnergyType, string> = { FUEL: 'A', NEW_ENERGY: 'C' };

/**
 * The code GZ stores for a contract value: its code in GZ's table; for the catch-all
 * value (case type OTHER, status UNKNOWN) the generator's recorded code when it is a
 * numeric code GZ does not use for a known value (GZ's tables are numeric), otherwise
 * GZ's catch-all.
 */
export function codeFor<K extends string>(
  table: Record<K, string>,
  value: K,
  asRecorded: string | null | undefined,
  catchAll: string,
): string {
  const known = table[value];
  if (known !== undefined && known !== catchAll) return known;
  const reserved = new Set(Object.values<string>(table));
  return asRecorded && /^\d+$/.test(asRecorded) && !reserved.has(asRecorded) ? asRecorded : catchAll;
}

/** Sex UNKNOWN: the recorded code when it is a one-digit code other than 1/2, otherwise 9 未說明. */
export function sexCodeFor(sex: Sex, asRecorded: string | null): string {
  if (sex !== 'UNKNOWN') return SEX_CODES[sex];
  return asRecorded && /^\d$/.test(asRecorded) && asRecorded !== '1' && asRecorded !== '2' ? asRecorded : SEX_UNSTATED;
}

/** 案件民警 職責 (duty) codes. */
export const DUTY_CODES: Record<OfficerDuty, string> = { LEAD: '01', MEMBER: '02', ASSISTING: '03' };
