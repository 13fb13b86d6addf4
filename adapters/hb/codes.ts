/**
 * HB's labels mapped to the contract — the one place this happens for HB. HB writes
 * Chinese labels instead of codes; a label missing here is surfaced as OTHER / UNKNOWN
 * with the label kept in the `…AsRecorded` field.
 */
import type { AlertKind, OfficerDuty, CaseStatus, CaseType, EnergyType, PartyRole, Sex, WantedStatus } from '../adapter.ts';

export const SEX: Record<string, Sex> = { 男: 'MALE', 女: 'FEMALE' };
export const CASE_TYPE: Record<string, CaseType> = {
  詐騙: 'TELECOM_FRAUD',
  盜竊: 'THEFT',
  搶劫: 'ROBBERY',
  販毒: 'DRUG_TRAFFICKING',
  賭博: 'ONLINE_GAMBLING',
  傷害: 'ASSAULT',
  交通肇事: 'TRAFFIC_OFFENCE',
};
export const CASE_STATUS: Record<string, CaseStatus> = {
  已受理: 'REGISTERED',
  偵查中: 'INVESTIGATING',
  已破案: 'SOLVED',
  已起訴: 'PROSECUTED',
  已撤案: 'CLOSED',
};
export const ROLE: Record<string, PartyRole> = { 嫌疑人: 'SUSPECT', 被害人: 'VICTIM', 證人: 'WITNESS' };
export const ENERGY: Record<string, EnergyType> = { 燃油: 'FUEL', 新能源: 'NEW_ENERGY' };
export const WANTED_STATUS: Record<string, WantedStatus> = { 在逃: 'AT_LARGE', 已抓獲: 'CAUGHT', 已撤銷: 'WITHDRAWN' };
export const ALERT_KIND: Record<string, AlertKind> = { 被盜搶: 'STOLEN', 涉案: 'CASE_INVOLVED' };
export const ACTIVE: Record<string, boolean> = { 是: true, 否: false };
export const DUTY: Record<string, OfficerDuty> = { 主辦: 'LEAD', 承辦: 'MEMBER', 協辦: 'ASSISTING' };
