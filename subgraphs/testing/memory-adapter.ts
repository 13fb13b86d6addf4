/**
 * A test fixture: a RegionAdapter over records held in memory.
 *
 * It keeps the adapter contract (one result per key, in order; searches sorted by the
 * global key with cursors after each item), records every call so tests can count
 * batches, and can be told to fail a method the way a real regional system fails.
 */
import type {
  CaseFilter,
  CaseOfficer,
  CaseRecord,
  HealthStatus,
  Page,
  PageRequest,
  PersonFilter,
  PersonRecord,
  RegionAdapter,
  RegionInfo,
  VehicleAlert,
  VehicleFilter,
  VehicleRecord,
  WantedNotice,
} from '../../adapters/adapter.ts';
import { AdapterError } from '../../adapters/adapter.ts';

export interface MemoryData {
  persons: PersonRecord[];
  cases: CaseRecord[];
  vehicles: VehicleRecord[];
  notices: WantedNotice[];
  alerts: VehicleAlert[];
  /** Officers assigned to each case, by local case id (absent: no one). */
  officers?: Record<string, CaseOfficer[]>;
}

export interface AdapterCall {
  method: string;
  /** The keys of a batch lookup; empty for searches. */
  keys: readonly string[];
  args: readonly unknown[];
}

export interface MemoryAdapter extends RegionAdapter {
  readonly calls: AdapterCall[];
  /** Make `method` throw `error` from now on (null: behave again). */
  failWith(method: keyof RegionAdapter, error: Error | null): void;
  setHealth(health: HealthStatus): void;
  callsTo(method: string): AdapterCall[];
}

const byId =
  <T extends { id: string }>(items: T[]) =>
  (ids: readonly string[]) =>
    ids.map((id) => items.find((item) => item.id === id) ?? null);
const allBy =
  <T>(items: T[], keyOf: (item: T) => string | null) =>
  (keys: readonly string[]) =>
    keys.map((key) => items.filter((item) => keyOf(item) === key));

/** Offset cursors: `o:N` means "after the first N matches". */
function pageOf<T>(matches: T[], request: PageRequest, region: string): Page<T> {
  const start = request.after ? Number(/^o:(\d+)$/.exec(request.after)?.[1] ?? NaN) : 0;
  if (Number.isNaN(start)) throw new AdapterError('BAD_INPUT', region, `cursor "${request.after}" was not issued by this region`);
  const items = matches.slice(start, start + request.first);
  return {
    items,
    cursors: items.map((_, i) => `o:${start + i + 1}`),
    hasNextPage: start + items.length < matches.length,
    totalCount: matches.length,
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function matchesPerson(p: PersonRecord, f: PersonFilter): boolean {
  const name = f.name?.endsWith('*') ? p.name.startsWith(f.name.slice(0, -1)) : f.name === undefined || p.name === f.name;
  return name && (!f.sex || p.sex === f.sex) && (!f.bornFrom || p.birthDate >= f.bornFrom) && (!f.bornTo || p.birthDate <= f.bornTo);
}

function matchesCase(c: CaseRecord, f: CaseFilter): boolean {
  return (
    (!f.type || c.type === f.type) &&
    (!f.status || c.status === f.status) &&
    (!f.reportedFrom || c.reportedAt >= f.reportedFrom) &&
    (!f.reportedTo || c.reportedAt <= f.reportedTo) &&
    (!f.place || c.place.includes(f.place))
  );
}

function matchesVehicle(v: VehicleRecord, f: VehicleFilter): boolean {
  return (
    (!f.platePrefix || v.plate.startsWith(f.platePrefix)) &&
    (!f.make || v.make === f.make) &&
    (!f.colour || v.colour === f.colour) &&
    (!f.energy || v.energy === f.energy)
  );
}

export function createMemoryAdapter(region: RegionInfo, data: MemoryData): MemoryAdapter {
  const calls: AdapterCall[] = [];
  const failures = new Map<string, Error>();
  let health: HealthStatus = { ok: true, detail: 'in memory', latencyMs: 0 };

  /** Every method goes through here: recorded, and failed when a test says so. */
  function method<A extends unknown[], R>(name: string, fn: (...args: A) => R) {
    return async (...args: A): Promise<Awaited<R>> => {
      calls.push({ method: name, keys: Array.isArray(args[0]) ? [...args[0]] : [], args: structuredClone(args) });
      const failure = failures.get(name);
      if (failure) throw failure;
      return await fn(...args);
    };
  }

  const involvements = (idNumbers: readonly string[]) =>
    idNumbers.map((idNumber) =>
      data.cases.flatMap((c) => c.parties.filter((p) => p.idNumber === idNumber).map((p) => ({ caseId: c.id, role: p.role }))),
    );

  return {
    region,
    calls,
    failWith: (name, error) => (error ? failures.set(name, error) : failures.delete(name)),
    setHealth: (next) => {
      health = next;
    },
    callsTo: (name) => calls.filter((call) => call.method === name),
    async *heldKeys() {
      yield {
        idNumbers: [
          ...data.persons.map((p) => p.idNumber),
          ...data.cases.flatMap((c) => c.parties.map((p) => p.idNumber)),
          ...data.vehicles.flatMap((v) => (v.ownerIdNumber ? [v.ownerIdNumber] : [])),
          ...data.notices.map((n) => n.idNumber),
        ],
        plates: [...data.vehicles.map((v) => v.plate), ...data.cases.flatMap((c) => c.vehiclePlates), ...data.alerts.map((a) => a.plate)],
      };
    },
    personRecordsById: method('personRecordsById', byId(data.persons)),
    personRecordsByIdNumber: method(
      'personRecordsByIdNumber',
      allBy(data.persons, (p) => p.idNumber),
    ),
    casesById: method('casesById', byId(data.cases)),
    involvementsByIdNumber: method('involvementsByIdNumber', involvements),
    caseOfficersById: method('caseOfficersById', (ids: readonly string[]) => ids.map((id) => [...(data.officers?.[id] ?? [])])),
    casesByPlate: method('casesByPlate', (plates: readonly string[]) =>
      plates.map((plate) => data.cases.filter((c) => c.vehiclePlates.includes(plate)).map((c) => c.id)),
    ),
    vehicleRecordsById: method('vehicleRecordsById', byId(data.vehicles)),
    vehicleRecordsByPlate: method(
      'vehicleRecordsByPlate',
      allBy(data.vehicles, (v) => v.plate),
    ),
    vehicleRecordsByOwner: method(
      'vehicleRecordsByOwner',
      allBy(data.vehicles, (v) => v.ownerIdNumber),
    ),
    wantedNoticesById: method('wantedNoticesById', byId(data.notices)),
    wantedNoticesByIdNumber: method(
      'wantedNoticesByIdNumber',
      allBy(data.notices, (n) => n.idNumber),
    ),
    vehicleAlertsById: method('vehicleAlertsById', byId(data.alerts)),
    vehicleAlertsByPlate: method(
      'vehicleAlertsByPlate',
      allBy(data.alerts, (a) => a.plate),
    ),
    searchPersons: method('searchPersons', (f: PersonFilter, page: PageRequest) =>
      pageOf(
        data.persons.filter((p) => matchesPerson(p, f)).sort((a, b) => compare(a.idNumber, b.idNumber) || compare(a.id, b.id)),
        page,
        region.code,
      ),
    ),
    searchCases: method('searchCases', (f: CaseFilter, page: PageRequest) =>
      pageOf(
        data.cases.filter((c) => matchesCase(c, f)).sort((a, b) => compare(a.id, b.id)),
        page,
        region.code,
      ),
    ),
    searchVehicles: method('searchVehicles', (f: VehicleFilter, page: PageRequest) =>
      pageOf(
        data.vehicles.filter((v) => matchesVehicle(v, f)).sort((a, b) => compare(a.plate, b.plate) || compare(a.id, b.id)),
        page,
        region.code,
      ),
    ),
    health: method('health', () => health),
    changes: { changesSince: async () => ({ changes: [], position: '0' }) },
    close: async () => {},
  };
}
