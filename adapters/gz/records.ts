/**
 * GZ's rows (pinyin columns, legacy formats) → the contract's records. Each field is
 * checked as it is read: a row that is not what GZ's interface promises becomes a
 * BAD_SOURCE_DATA error naming the row and field, never a half-filled record.
 */
import type { CaseOfficer, CaseParty, CaseRecord, PersonRecord, VehicleAlert, VehicleRecord, WantedNotice } from '../adapter.ts';
import { sourceIdNumber, sourceOfficerId, sourcePlate } from '../support/source.ts';
import { badData } from './errors.ts';
import {
  activeFromGz,
  alertKindFromGz,
  caseStatusFromGz,
  caseTypeFromGz,
  dutyFromGz,
  energyFromGz,
  partyRoleFromGz,
  sexFromGz,
  wantedStatusFromGz,
} from './codes.ts';
import { isoDateFromGz, isoDateOrTimeFromGz, isoTimeFromGz } from './dates.ts';

export type Row = Record<string, unknown>;

/** Typed access to one row of one GZ resource. */
class RowReader {
  constructor(
    private readonly row: Row,
    private readonly what: string,
  ) {}

  text(column: string): string {
    const value = this.row[column];
    if (typeof value !== 'string') throw badData(`${this.what}: "${column}" is ${JSON.stringify(value)}; expected a string`);
    return value;
  }

  optionalText(column: string): string | null {
    return this.row[column] === null || this.row[column] === undefined ? null : this.text(column);
  }

  optionalNumber(column: string): number | null {
    const value = this.row[column];
    if (value === null || value === undefined) return null;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw badData(`${this.what}: "${column}" is ${JSON.stringify(value)}; expected a number`);
    return value;
  }

  list(column: string): Row[] {
    const value = this.row[column];
    if (!Array.isArray(value) || !value.every(isRow)) throw badData(`${this.what}: "${column}" is not a list of rows`);
    return value;
  }

  idNumber(column: string): string {
    return sourceIdNumber('GZ', this.text(column));
  }

  plate(column: string): string {
    return sourcePlate('GZ', this.text(column));
  }

  date = (column: string) => isoDateFromGz(this.text(column), `${this.what} "${column}"`);
  time = (column: string) => isoTimeFromGz(this.text(column), `${this.what} "${column}"`);
  dateOrTime = (column: string) => isoDateOrTimeFromGz(this.text(column), `${this.what} "${column}"`);
}

export function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const reader = (row: Row, resource: string, pk: string) => new RowReader(row, `${resource} ${JSON.stringify(row[pk])}`);

export function personFromGz(row: Row): PersonRecord {
  const r = reader(row, 'renkou', 'rkbh');
  return {
    id: r.text('rkbh'),
    idNumber: r.idNumber('sfzh'),
    idNumberAsRecorded: r.text('sfzh'),
    name: r.text('xm'),
    ...sexFromGz(r.text('xb')),
    birthDate: r.date('csrq'),
    address: r.optionalText('zz'),
    phone: r.optionalText('lxdh'),
    updatedAt: r.time('gxsj'),
  };
}

function partyFromGz(row: Row): CaseParty {
  const r = reader(row, 'anjian_ry', 'ajbh');
  return { role: partyRoleFromGz(r.text('jslx')), idNumber: r.idNumber('sfzh'), nameAsRecorded: r.text('xm') };
}

export function caseFromGz(row: Row): CaseRecord {
  const r = reader(row, 'anjian', 'ajbh');
  const fen = r.optionalNumber('ssje');
  return {
    id: r.text('ajbh'),
    caseNumber: r.text('ajwh'),
    type: caseTypeFromGz(r.text('ajlb')),
    typeCodeAsRecorded: r.text('ajlb'),
    status: caseStatusFromGz(r.text('ajzt')),
    statusCodeAsRecorded: r.text('ajzt'),
    reportedAt: r.time('basj'),
    place: r.text('fadd'),
    lossAmount: fen === null ? null : fen / 100,
    summary: r.optionalText('jyaq'),
    parties: r.list('ry').map(partyFromGz),
    vehiclePlates: r.list('cl').map((v) => reader(v, 'anjian_cl', 'ajbh').plate('hphm')),
    updatedAt: r.time('gxsj'),
  };
}

export function vehicleFromGz(row: Row): VehicleRecord {
  const r = reader(row, 'cheliang', 'clbh');
  return {
    id: r.text('clbh'),
    plate: r.plate('hphm'),
    plateAsRecorded: r.text('hphm_yl'),
    vin: r.text('clsbdh'),
    make: r.text('clpp'),
    model: r.text('clxh'),
    colour: r.text('csys'),
    energy: energyFromGz(r.text('nylx')),
    ownerIdNumber: r.optionalText('syr_sfzh') === null ? null : r.idNumber('syr_sfzh'),
    registeredAt: r.date('zcrq'),
    updatedAt: r.time('gxsj'),
  };
}

export function noticeFromGz(row: Row): WantedNotice {
  const r = reader(row, 'tongji', 'tjbh');
  return {
    id: r.text('tjbh'),
    idNumber: r.idNumber('sfzh'),
    status: wantedStatusFromGz(r.text('tjzt')),
    reason: r.text('tjyy'),
    caseId: r.optionalText('ajbh'),
    issuedAt: r.dateOrTime('fbsj'),
    updatedAt: r.time('gxsj'),
  };
}

export function alertFromGz(row: Row): VehicleAlert {
  const r = reader(row, 'bukong', 'bkbh');
  return {
    id: r.text('bkbh'),
    plate: r.plate('hphm'),
    kind: alertKindFromGz(r.text('bklx')),
    active: activeFromGz(r.text('yxbz')),
    caseId: r.optionalText('ajbh'),
    issuedAt: r.dateOrTime('fbsj'),
    updatedAt: r.time('gxsj'),
  };
}

/** Involvement rows (anjian_ry) carry the case, the person's number and the role. */
export function involvementFromGz(row: Row): { idNumber: string; caseId: string; role: CaseParty['role'] } {
  const r = reader(row, 'anjian_ry', 'ajbh');
  return { idNumber: r.idNumber('sfzh'), caseId: r.text('ajbh'), role: partyRoleFromGz(r.text('jslx')) };
}

export function casePlateFromGz(row: Row): { plate: string; caseId: string } {
  const r = reader(row, 'anjian_cl', 'ajbh');
  return { plate: r.plate('hphm'), caseId: r.text('ajbh') };
}

/** Officer rows (anjian_mj) carry the case, the police number as GZ writes it, the duty code and the assisting team. */
export function officerFromGz(row: Row): { caseId: string; officer: CaseOfficer } {
  const r = reader(row, 'anjian_mj', 'ajbh');
  return {
    caseId: r.text('ajbh'),
    officer: { officerId: sourceOfficerId('GZ', r.text('jh')), duty: dutyFromGz(r.text('zz')), team: r.optionalText('xzdw') },
  };
}
