/** The contract's enum values, for validating filters (adapter.ts holds the types). */
import type { CaseStatus, CaseType, EnergyType, Sex } from '../adapter.ts';

export const SEXES: readonly Sex[] = ['MALE', 'FEMALE', 'UNKNOWN'];
export const CASE_TYPES: readonly CaseType[] = [
  'TELECOM_FRAUD',
  'THEFT',
  'ROBBERY',
  'DRUG_TRAFFICKING',
  'ONLINE_GAMBLING',
  'ASSAULT',
  'TRAFFIC_OFFENCE',
  'OTHER',
];
export const CASE_STATUSES: readonly CaseStatus[] = ['REGISTERED', 'INVESTIGATING', 'SOLVED', 'PROSECUTED', 'CLOSED', 'UNKNOWN'];
export const ENERGY_TYPES: readonly EnergyType[] = ['FUEL', 'NEW_ENERGY'];
