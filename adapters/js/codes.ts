/**
 * JS's code tables mapped to the contract — the one place this happens for JS.
 * A code missing here is surfaced as OTHER / UNKNOWN with the code kept in the
 * `…AsRecorded` field (JS's `0999 其他刑事案件` and `50 中止偵查` arrive that way).
 */
import type { AlertKind, OfficerDuty, CaseStatus, CaseType, EnergyType, PartyRole, Sex, WantedStatus } from '../adapter.ts';

export const CASE_TYPE: Record<string, CaseType> = {
  '0201': 'TELECOM_FRAUD',
  '0301': 'THEFT',
  '0302': 'ROBBERY',
  '0401': 'DRUG_TRAFFICKING',
  '0501': 'ONLINE_GAMBLING',
  '0601': 'ASSAULT',
  '0701': 'TRAFFIC_OFFENCE',
};
export const CASE_STATUS: Record<string, CaseStatus> = {
  '10': 'REGISTERED',
  '20': 'INVESTIGATING',
  '30': 'SOLVED',
  '40': 'PROSECUTED',
  '90': 'CLOSED',
};
export const SEX: Record<string, Sex> = { M: 'MALE', F: 'FEMALE' };
export const ROLE: Record<string, PartyRole> = { S: 'SUSPECT', V: 'VICTIM', W: 'WITNESS' };
export const ENERGY: Record<string, EnergyType> = { A: 'FUEL', E: 'NEW_ENERGY' };
export const WANTED_STATUS: Record<string, WantedStatus> = { 1: 'AT_LARGE', 2: 'CAUGHT', 3: 'WITHDRAWN' };
export const ALERT_KIND: Record<string, AlertKind> = { DQ: 'STOLEN', SA: 'CASE_INVOLVED' };
/** 辦案民警 duty codes. */
export const DUTY: Record<string, OfficerDuty> = { 1: 'LEAD', 2: 'MEMBER', 3: 'ASSISTING' };
