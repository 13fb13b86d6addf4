/**
 * SQL over the HB export index (index-schema.ts) for the shared SQLite adapter core.
 * The index already holds contract values, so rows map one to one.
 */
import type { AlertKind, CaseParty, CaseStatus, CaseType, EnergyType, OfficerDuty, PartyRole, Sex, WantedStatus } from '../adapter.ts';
import { caseWhere, personWhere, vehicleWhere, type Where } from '../support/filters.ts';
import type { SqlLayout } from '../support/sql-adapter.ts';

const PERSON = 'SELECT id, id_number, id_number_as_recorded, name, sex, sex_code, birth_date, address, phone, updated_at FROM person';
const CASE =
  'SELECT id, case_number, type, type_code, status, status_code, reported_at, place, loss_amount, summary, updated_at FROM hb_case';
const VEHICLE =
  'SELECT id, plate, plate_as_recorded, vin, make, model, colour, energy, owner_id_number, registered_at, updated_at FROM vehicle';
const PARTY = 'SELECT case_id, role, id_number, name FROM case_party';
const CASE_VEHICLE = 'SELECT case_id, plate FROM case_vehicle';
const OFFICER = 'SELECT case_id, officer_id, duty, team FROM case_officer';
const NOTICE = 'SELECT id, id_number, status, reason, case_id, issued_at, updated_at FROM notice';
const ALERT = 'SELECT id, plate, kind, active, case_id, issued_at, updated_at FROM alert';

const s = (v: unknown) => String(v);
const sOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));
const equals =
  (column: string) =>
  (value: string): Where => ({ where: [`${column} = ?`], params: [value] });

export const HB_LAYOUT: SqlLayout = {
  region: 'HB',
  sql: {
    personsById: `${PERSON} WHERE id IN (%)`,
    personsByIdNumber: `${PERSON} WHERE id_number IN (%) ORDER BY id_number, id`,
    casesById: `${CASE} WHERE id IN (%)`,
    partiesByCase: `${PARTY} WHERE case_id IN (%) ORDER BY case_id, seq`,
    platesByCase: `${CASE_VEHICLE} WHERE case_id IN (%) ORDER BY case_id, plate`,
    partiesByIdNumber: `${PARTY} WHERE id_number IN (%) ORDER BY id_number, case_id, seq`,
    platesByPlate: `${CASE_VEHICLE} WHERE plate IN (%) ORDER BY plate, case_id`,
    officersByCase: `${OFFICER} WHERE case_id IN (%) ORDER BY case_id, seq`,
    vehiclesById: `${VEHICLE} WHERE id IN (%)`,
    vehiclesByPlate: `${VEHICLE} WHERE plate IN (%) ORDER BY plate, id`,
    vehiclesByOwner: `${VEHICLE} WHERE owner_id_number IN (%) ORDER BY owner_id_number, plate, id`,
    noticesById: `${NOTICE} WHERE id IN (%)`,
    noticesByIdNumber: `${NOTICE} WHERE id_number IN (%) ORDER BY id_number, id`,
    alertsById: `${ALERT} WHERE id IN (%)`,
    alertsByPlate: `${ALERT} WHERE plate IN (%) ORDER BY plate, id`,
  },
  held: {
    idNumbers: [
      { table: 'person', column: 'id_number' },
      { table: 'case_party', column: 'id_number' },
      { table: 'vehicle', column: 'owner_id_number' },
      { table: 'notice', column: 'id_number' },
    ],
    plates: [
      { table: 'vehicle', column: 'plate' },
      { table: 'case_vehicle', column: 'plate' },
      { table: 'alert', column: 'plate' },
    ],
  },
  map: {
    person: (r) => ({
      id: s(r.id),
      idNumber: s(r.id_number),
      idNumberAsRecorded: s(r.id_number_as_recorded),
      name: s(r.name),
      sex: r.sex as Sex,
      sexCodeAsRecorded: sOrNull(r.sex_code),
      birthDate: s(r.birth_date),
      address: sOrNull(r.address),
      phone: sOrNull(r.phone),
      updatedAt: s(r.updated_at),
    }),
    case: (r, parties: CaseParty[], plates) => ({
      id: s(r.id),
      caseNumber: s(r.case_number),
      type: r.type as CaseType,
      typeCodeAsRecorded: s(r.type_code),
      status: r.status as CaseStatus,
      statusCodeAsRecorded: s(r.status_code),
      reportedAt: s(r.reported_at),
      place: s(r.place),
      lossAmount: r.loss_amount === null ? null : Number(r.loss_amount),
      summary: sOrNull(r.summary),
      parties,
      vehiclePlates: plates,
      updatedAt: s(r.updated_at),
    }),
    party: (r) => ({ caseId: s(r.case_id), party: { role: r.role as PartyRole, idNumber: s(r.id_number), nameAsRecorded: s(r.name) } }),
    plate: (r) => ({ caseId: s(r.case_id), plate: s(r.plate) }),
    officer: (r) => ({ caseId: s(r.case_id), officer: { officerId: s(r.officer_id), duty: r.duty as OfficerDuty, team: sOrNull(r.team) } }),
    vehicle: (r) => ({
      id: s(r.id),
      plate: s(r.plate),
      plateAsRecorded: s(r.plate_as_recorded),
      vin: s(r.vin),
      make: s(r.make),
      model: s(r.model),
      colour: s(r.colour),
      energy: r.energy as EnergyType,
      ownerIdNumber: sOrNull(r.owner_id_number),
      registeredAt: s(r.registered_at),
      updatedAt: s(r.updated_at),
    }),
    notice: (r) => ({
      id: s(r.id),
      idNumber: s(r.id_number),
      status: r.status as WantedStatus,
      reason: s(r.reason),
      caseId: sOrNull(r.case_id),
      issuedAt: s(r.issued_at),
      updatedAt: s(r.updated_at),
    }),
    alert: (r) => ({
      id: s(r.id),
      plate: s(r.plate),
      kind: r.kind as AlertKind,
      active: r.active === 1,
      caseId: sOrNull(r.case_id),
      issuedAt: s(r.issued_at),
      updatedAt: s(r.updated_at),
    }),
  },
  search: {
    persons: {
      select: PERSON,
      from: 'FROM person',
      keyColumns: ['id_number', 'id'],
      where: (filter) => personWhere('HB', filter, { name: 'name', birthDate: 'birth_date' }, equals('sex')),
    },
    cases: {
      select: 'SELECT id FROM hb_case',
      from: 'FROM hb_case',
      keyColumns: ['id'],
      where: (filter) => caseWhere('HB', filter, { reportedAt: 'reported_at', place: 'place' }, equals('type'), equals('status')),
    },
    vehicles: {
      select: VEHICLE,
      from: 'FROM vehicle',
      keyColumns: ['plate', 'id'],
      where: (filter) => vehicleWhere('HB', filter, { plate: 'plate', make: 'make', colour: 'colour' }, equals('energy')),
    },
  },
};
