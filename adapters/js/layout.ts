/** JS's SQL and row mapping for the shared SQLite adapter core (support/sql-adapter.ts). */
import type { CaseParty } from '../adapter.ts';
import { caseWhere, codeClause, personWhere, vehicleWhere } from '../support/filters.ts';
import type { SqlLayout } from '../support/sql-adapter.ts';
import { sourcePlate } from '../support/source.ts';
import { CASE_STATUS, CASE_TYPE, ENERGY, SEX } from './codes.ts';
import {
  toAlert,
  toCase,
  toNotice,
  toOfficer,
  toParty,
  toPerson,
  toVehicle,
  type AlertRow,
  type CaseRow,
  type OfficerRow,
  type PartyRow,
  type PersonRow,
  type VehicleRow,
  type WantedRow,
} from './rows.ts';

const PERSON = 'SELECT person_id, id_no, full_name, gender_code, birth_date, reg_address, mobile, updated_at FROM t_person';
const CASE = 'SELECT case_id, case_no, case_type_code, status_code, reported_at, place, loss_amount, brief, updated_at FROM t_case';
const VEHICLE =
  'SELECT vehicle_id, plate_no, vin, brand, model, body_color, fuel_code, owner_id_no, registered_on, updated_at FROM t_vehicle';
const PARTY = 'SELECT case_id, role_code, id_no, name_written FROM t_case_party';
const OFFICER = 'SELECT case_id, police_no, duty_code, assist_unit FROM t_case_officer';
const CASE_VEHICLE = 'SELECT case_id, plate_no FROM t_case_vehicle';
const WANTED = 'SELECT notice_id, id_no, status_code, reason, case_id, issued_at, updated_at FROM t_wanted';
const ALERT = 'SELECT alert_id, plate_no, alert_kind, is_active, case_id, issued_at, updated_at FROM t_vehicle_alert';

/* eslint-disable @typescript-eslint/no-explicit-any -- rows come from SQL typed by the row interfaces in rows.ts */
export const JS_LAYOUT: SqlLayout = {
  region: 'JS',
  // JS stores 18-digit numbers and normalised plates, so the normalised key is the stored key.
  sql: {
    personsById: `${PERSON} WHERE person_id IN (%)`,
    personsByIdNumber: `${PERSON} WHERE id_no IN (%) ORDER BY id_no, person_id`,
    casesById: `${CASE} WHERE case_id IN (%)`,
    partiesByCase: `${PARTY} WHERE case_id IN (%) ORDER BY case_id, seq`,
    platesByCase: `${CASE_VEHICLE} WHERE case_id IN (%) ORDER BY case_id, plate_no`,
    partiesByIdNumber: `${PARTY} WHERE id_no IN (%) ORDER BY id_no, case_id, seq`,
    officersByCase: `${OFFICER} WHERE case_id IN (%) ORDER BY case_id, seq`,
    platesByPlate: `${CASE_VEHICLE} WHERE plate_no IN (%) ORDER BY plate_no, case_id`,
    vehiclesById: `${VEHICLE} WHERE vehicle_id IN (%)`,
    vehiclesByPlate: `${VEHICLE} WHERE plate_no IN (%) ORDER BY plate_no, vehicle_id`,
    vehiclesByOwner: `${VEHICLE} WHERE owner_id_no IN (%) ORDER BY owner_id_no, plate_no, vehicle_id`,
    noticesById: `${WANTED} WHERE notice_id IN (%)`,
    noticesByIdNumber: `${WANTED} WHERE id_no IN (%) ORDER BY id_no, notice_id`,
    alertsById: `${ALERT} WHERE alert_id IN (%)`,
    alertsByPlate: `${ALERT} WHERE plate_no IN (%) ORDER BY plate_no, alert_id`,
  },
  held: {
    idNumbers: [
      { table: 't_person', column: 'id_no' },
      { table: 't_case_party', column: 'id_no' },
      { table: 't_vehicle', column: 'owner_id_no' },
      { table: 't_wanted', column: 'id_no' },
    ],
    plates: [
      { table: 't_vehicle', column: 'plate_no' },
      { table: 't_case_vehicle', column: 'plate_no' },
      { table: 't_vehicle_alert', column: 'plate_no' },
    ],
  },
  map: {
    person: (row) => toPerson(row as any as PersonRow),
    case: (row, parties: CaseParty[], plates) => toCase(row as any as CaseRow, parties, plates),
    party: (row) => ({ caseId: String(row.case_id), party: toParty(row as any as PartyRow) }),
    plate: (row) => ({ caseId: String(row.case_id), plate: sourcePlate('JS', String(row.plate_no)) }),
    officer: (row) => ({ caseId: String(row.case_id), officer: toOfficer(row as any as OfficerRow) }),
    vehicle: (row) => toVehicle(row as any as VehicleRow),
    notice: (row) => toNotice(row as any as WantedRow),
    alert: (row) => toAlert(row as any as AlertRow),
  },
  search: {
    persons: {
      select: PERSON,
      from: 'FROM t_person',
      keyColumns: ['id_no', 'person_id'],
      where: (filter) =>
        personWhere('JS', filter, { name: 'full_name', birthDate: 'birth_date' }, codeClause('gender_code', SEX, 'UNKNOWN')),
    },
    cases: {
      select: 'SELECT case_id FROM t_case',
      from: 'FROM t_case',
      keyColumns: ['case_id'],
      where: (filter) =>
        caseWhere(
          'JS',
          filter,
          { reportedAt: 'reported_at', place: 'place' },
          codeClause('case_type_code', CASE_TYPE, 'OTHER'),
          codeClause('status_code', CASE_STATUS, 'UNKNOWN'),
        ),
    },
    vehicles: {
      select: VEHICLE,
      from: 'FROM t_vehicle',
      keyColumns: ['plate_no', 'vehicle_id'],
      where: (filter) =>
        vehicleWhere('JS', filter, { plate: 'plate_no', make: 'brand', colour: 'body_color' }, codeClause('fuel_code', ENERGY, 'FUEL')),
    },
  },
};
