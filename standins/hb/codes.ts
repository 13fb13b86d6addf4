/**
 * How HB writes the contract's values: Chinese labels rather than codes. The HB
 * adapter maps them back in adapters/hb/codes.ts; `掛起`, `未說明` and `其他` have no
 * contract counterpart and surface as UNKNOWN/OTHER with the label kept.
 */
import type { CaseRecord, OfficerDuty, PartyRole, PersonRecord, VehicleAlert, WantedNotice } from '../../adapters/adapter.ts';

export const HB_SEX: Record<PersonRecord['sex'], string> = { MALE: '男', FEMALE: '女', UNKNOWN: '未說明' };
export const HB_CASE_TYPE: Record<CaseRecord['type'], string> = {
  TELECOM_FRAUD: '詐騙',
  THEFT: '盜竊',
  ROBBERY: '搶劫',
  DRUG_TRAFFICKING: '販毒',
  ONLINE_GAMBLING: '賭博',
  ASSAULT: '傷害',
  TRAFFIC_OFFENCE: '交通肇事',
  OTHER: '其他',
};
export const HB_CASE_STATUS: Record<CaseRecord['status'], string> = {
  REGISTERED: '已受理',
  INVESTIGATING: '偵查中',
  SOLVED: '已破案',
  PROSECUTED: '已起訴',
  CLOSED: '已撤案',
  UNKNOWN: '掛起',
};
export const HB_ROLE: Record<PartyRole, string> = { SUSPECT: '嫌疑人', VICTIM: '被害人', WITNESS: '證人' };
export const HB_WANTED: Record<WantedNotice['status'], string> = { AT_LARGE: '在逃', CAUGHT: '已抓獲', WITHDRAWN: '已撤銷' };
export const HB_ALERT_KIND: Record<VehicleAlert['kind'], string> = { STOLEN: '被盜搶', CASE_INVOLVED: '涉案' };
export const HB_ENERGY = { FUEL: '燃油', NEW_ENERGY: '新能源' } as const;
export const HB_DUTY: Record<OfficerDuty, string> = { LEAD: '主辦', MEMBER: '承辦', ASSISTING: '協辦' };
