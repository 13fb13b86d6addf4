/** JS rows → contract records: column names and code tables are translated here only. */
import type { CaseOfficer, CaseParty, CaseRecord, PersonRecord, VehicleAlert, VehicleRecord, WantedNotice } from '../adapter.ts';
import { sourceIdNumber, sourceOfficerId, sourcePlate } from '../support/source.ts';

const REGION = 'JS';
const normaliseIdNumber = (value: string) => sourceIdNumber(REGION, value);
import { ALERT_KIND, CASE_STATUS, CASE_TYPE, DUTY, ENERGY, ROLE, SEX, WANTED_STATUS } from './codes.ts';

export interface PersonRow {
  person_id: string;
  id_no: string;
  full_name: string;
  gender_code: string;
  birth_date: string;
  reg_address: string | null;
  mobile: string | null;
  updated_at: string;
}
export interface CaseRow {
  case_id: string;
  case_no: string;
  case_type_code: string;
  status_code: string;
  reported_at: string;
  place: string;
  loss_amount: number | null;
  brief: string | null;
  updated_at: string;
}
export interface PartyRow {
  case_id: string;
  role_code: string;
  id_no: string;
  name_written: string;
}
export interface OfficerRow {
  case_id: string;
  police_no: string;
  duty_code: string;
  assist_unit: string | null;
}
export interface VehicleRow {
  vehicle_id: string;
  plate_no: string;
  vin: string;
  brand: string;
  model: string;
  body_color: string;
  fuel_code: string;
  owner_id_no: string | null;
  registered_on: string;
  updated_at: string;
}
export interface WantedRow {
  notice_id: string;
  id_no: string;
  status_code: string;
  reason: string;
  case_id: string | null;
  issued_at: string;
  updated_at: string;
}
export interface AlertRow {
  alert_id: string;
  plate_no: string;
  alert_kind: string;
  is_active: number;
  case_id: string | null;
  issued_at: string;
  updated_at: string;
}

export function toPerson(row: PersonRow): PersonRecord {
  const sex = SEX[row.gender_code];
  return {
    id: row.person_id,
    idNumber: normaliseIdNumber(row.id_no),
    idNumberAsRecorded: row.id_no,
    name: row.full_name,
    sex: sex ?? 'UNKNOWN',
    sexCodeAsRecorded: sex ? null : row.gender_code,
    birthDate: row.birth_date,
    address: row.reg_address,
    phone: row.mobile,
    updatedAt: row.updated_at,
  };
}

export function toParty(row: PartyRow): CaseParty {
  return { role: ROLE[row.role_code] ?? 'WITNESS', idNumber: normaliseIdNumber(row.id_no), nameAsRecorded: row.name_written };
}

/** An officer JS lists on a case is assigned to it, whatever the duty code says: an unknown code reads as MEMBER. */
export function toOfficer(row: OfficerRow): CaseOfficer {
  return { officerId: sourceOfficerId(REGION, row.police_no), duty: DUTY[row.duty_code] ?? 'MEMBER', team: row.assist_unit };
}

export function toCase(row: CaseRow, parties: CaseParty[], plates: string[]): CaseRecord {
  return {
    id: row.case_id,
    caseNumber: row.case_no,
    type: CASE_TYPE[row.case_type_code] ?? 'OTHER',
    typeCodeAsRecorded: row.case_type_code,
    status: CASE_STATUS[row.status_code] ?? 'UNKNOWN',
    statusCodeAsRecorded: row.status_code,
    reportedAt: row.reported_at,
    place: row.place,
    lossAmount: row.loss_amount,
    summary: row.brief,
    parties,
    vehiclePlates: plates,
    updatedAt: row.updated_at,
  };
}

export function toVehicle(row: VehicleRow): VehicleRecord {
  return {
    id: row.vehicle_id,
    plate: sourcePlate(REGION, row.plate_no),
    plateAsRecorded: row.plate_no,
    vin: row.vin,
    make: row.brand,
    model: row.model,
    colour: row.body_color,
    energy: ENERGY[row.fuel_code] ?? 'FUEL',
    ownerIdNumber: row.owner_id_no === null ? null : normaliseIdNumber(row.owner_id_no),
    registeredAt: row.registered_on,
    updatedAt: row.updated_at,
  };
}

export function toNotice(row: WantedRow): WantedNotice {
  return {
    id: row.notice_id,
    idNumber: normaliseIdNumber(row.id_no),
    // An unknown wanted status must not read as "not wanted": treat it as in force.
    status: WANTED_STATUS[row.status_code] ?? 'AT_LARGE',
    reason: row.reason,
    caseId: row.case_id,
    issuedAt: row.issued_at,
    updatedAt: row.updated_at,
  };
}

export function toAlert(row: AlertRow): VehicleAlert {
  return {
    id: row.alert_id,
    plate: sourcePlate(REGION, row.plate_no),
    kind: ALERT_KIND[row.alert_kind] ?? 'CASE_INVOLVED',
    active: row.is_active === 1,
    caseId: row.case_id,
    issuedAt: row.issued_at,
    updatedAt: row.updated_at,
  };
}
