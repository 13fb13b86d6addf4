/**
 * Search filters → SQL conditions, shared by the SQL-backed adapters. Each adapter
 * names its own columns and supplies the clause for its own code tables; validation
 * and the meaning of every filter field live here once.
 */
import type { CaseFilter, CaseStatus, CaseType, EnergyType, PersonFilter, Sex, VehicleFilter } from '../adapter.ts';
import { CASE_STATUSES, CASE_TYPES, ENERGY_TYPES, SEXES } from './enums.ts';
import { checkFilterText, filterDate, filterEnum, filterInstant, nameMatch, prefixUpperBound } from './paging.ts';

export interface Where {
  where: string[];
  params: unknown[];
}

export type CodeClause<T> = (value: T) => Where;

const empty = (): Where => ({ where: [], params: [] });
function add(target: Where, sql: string, ...params: unknown[]): void {
  target.where.push(sql);
  target.params.push(...params);
}
function merge(target: Where, extra: Where): void {
  target.where.push(...extra.where);
  target.params.push(...extra.params);
}

export function personWhere(
  region: string,
  filter: PersonFilter,
  cols: { name: string; birthDate: string },
  sexClause: CodeClause<Sex>,
): Where {
  checkFilterText(region, filter);
  const out = empty();
  const name = nameMatch(region, filter?.name);
  if (name && 'exact' in name) add(out, `${cols.name} = ?`, name.exact);
  if (name && 'prefix' in name) add(out, `${cols.name} >= ? AND ${cols.name} < ?`, name.prefix, prefixUpperBound(name.prefix));
  const sex = filterEnum(region, 'sex', filter?.sex, SEXES);
  if (sex) merge(out, sexClause(sex));
  const from = filterDate(region, 'bornFrom', filter?.bornFrom);
  const to = filterDate(region, 'bornTo', filter?.bornTo);
  if (from) add(out, `${cols.birthDate} >= ?`, from);
  if (to) add(out, `${cols.birthDate} <= ?`, to);
  return out;
}

export function caseWhere(
  region: string,
  filter: CaseFilter,
  cols: { reportedAt: string; place: string },
  typeClause: CodeClause<CaseType>,
  statusClause: CodeClause<CaseStatus>,
): Where {
  checkFilterText(region, filter);
  const out = empty();
  const type = filterEnum(region, 'type', filter?.type, CASE_TYPES);
  const status = filterEnum(region, 'status', filter?.status, CASE_STATUSES);
  if (type) merge(out, typeClause(type));
  if (status) merge(out, statusClause(status));
  const from = filterInstant(region, 'reportedFrom', filter?.reportedFrom, 'from');
  const to = filterInstant(region, 'reportedTo', filter?.reportedTo, 'to');
  if (from) add(out, `${cols.reportedAt} >= ?`, from);
  if (to) add(out, `${cols.reportedAt} <= ?`, to);
  if (filter?.place) add(out, `instr(${cols.place}, ?) > 0`, String(filter.place));
  return out;
}

export function vehicleWhere(
  region: string,
  filter: VehicleFilter,
  cols: { plate: string; make: string; colour: string },
  energyClause: CodeClause<EnergyType>,
): Where {
  checkFilterText(region, filter);
  const out = empty();
  if (filter?.platePrefix) {
    const prefix = String(filter.platePrefix);
    add(out, `${cols.plate} >= ? AND ${cols.plate} < ?`, prefix, prefixUpperBound(prefix));
  }
  if (filter?.make) add(out, `${cols.make} = ?`, String(filter.make));
  if (filter?.colour) add(out, `${cols.colour} = ?`, String(filter.colour));
  const energy = filterEnum(region, 'energy', filter?.energy, ENERGY_TYPES);
  if (energy) merge(out, energyClause(energy));
  return out;
}

/**
 * Clause for a code column: the codes mapped to `value`; the catch-all value (OTHER,
 * UNKNOWN…) also matches every code the mapping does not know, as the adapter reports them.
 */
export function codeClause<T extends string>(column: string, mapping: Record<string, T>, catchAll: T): CodeClause<T> {
  const mapped = Object.keys(mapping);
  const list = (codes: string[]) => codes.map(() => '?').join(', ') || 'NULL';
  return (value) => {
    const codes = mapped.filter((code) => mapping[code] === value);
    if (value !== catchAll) return { where: [`${column} IN (${list(codes)})`], params: codes };
    return { where: [`(${column} IN (${list(codes)}) OR ${column} NOT IN (${list(mapped)}))`], params: [...codes, ...mapped] };
  };
}
