/**
 * The GZ adapter: Liandong's view of Guizhou's legacy HTTP/JSON service.
 *
 * Keyed lookups go to GZ's batch endpoints (one request per 1,000 distinct keys, in
 * parallel; concurrent requests' lookups of one kind share a call), answers are regrouped
 * in the caller's order; searches turn GZ's offset
 * pages into per-item cursors (paging.ts); the change feed polls GZ's change table
 * (changes.ts). Everything GZ-specific — 15-digit numbers, YYYYMMDD dates, Beijing
 * times, code tables — is converted in records.ts / codes.ts / dates.ts.
 */
import {
  AdapterError,
  type AdapterFactory,
  type CaseFilter,
  type CaseOfficer,
  type CaseRecord,
  type HealthStatus,
  type EntityType,
  type HeldKeys,
  type Involvement,
  type Page,
  type PageRequest,
  type PersonFilter,
  type PersonRecord,
  type RegionAdapter,
  type RegionInfo,
  type VehicleAlert,
  type VehicleFilter,
  type VehicleRecord,
  type WantedNotice,
} from '../adapter.ts';
import { normalisePlatePrefix } from '../../common/normalise/index.ts';
import { chunk, manyPerKey, onePerKey } from '../support/batch.ts';
import { Coalescer, type Kind } from '../support/coalesce.ts';
import { inTracedWork, tracingState } from '../../common/tracing/spans.ts';
import { CASE_STATUSES, CASE_TYPES, ENERGY_TYPES, SEXES } from '../support/enums.ts';
import { checkFilterText, filterEnum, nameMatch, type SearchKind } from '../support/paging.ts';
import { GzChangeFeed } from './changes.ts';
import { GzAssistanceDesk } from './assistance.ts';
import { GzClient, type Query } from './client.ts';
import { badData } from './errors.ts';
import { caseStatusFilter, caseTypeFilter, energyFilter, sexFilter, type CodeFilter } from './codes.ts';
import { gzDateBound, gzTimeBound } from './dates.ts';
import { gzIdNumberForms, normalisedPlates, stringIds } from './keys.ts';
import { count, pagesOf, rowsByDateWindows, rowsByPrefixWindows, type ReadPage } from './held-keys.ts';
import { legacyPage, offsetPage } from './paging.ts';
import {
  alertFromGz,
  caseFromGz,
  casePlateFromGz,
  involvementFromGz,
  isRow,
  noticeFromGz,
  officerFromGz,
  personFromGz,
  vehicleFromGz,
  type Row,
} from './records.ts';
import { parseGzSettings } from './settings.ts';

/** GZ's limit of keys per batch request (an identity number may take two: 18 and 15 digits). */
const MAX_KEYS_PER_REQUEST = 1000;

export const GZ_REGION: RegionInfo = { code: 'GZ', name: '貴州', areaPrefixes: ['52'], plateProvinces: ['貴'] };

function rowsOf(data: unknown, what: string): Row[] {
  const rows = (data as { rows?: unknown })?.rows;
  if (!Array.isArray(rows) || !rows.every(isRow)) throw badData(`${what}: expected {"rows": [...]}`);
  return rows;
}

/** GZ's code parameters: `xx` lists codes to match, `xxpc` codes to exclude. */
function codeParams(prefix: string, filter: CodeFilter | undefined): Query {
  return filter ? { [prefix]: filter.include, [`${prefix}pc`]: filter.exclude } : {};
}

class GzAdapter implements RegionAdapter {
  readonly region = GZ_REGION;
  readonly changes: GzChangeFeed;
  readonly assistance: GzAssistanceDesk;

  constructor(
    private readonly client: GzClient,
    pollMs: number,
  ) {
    this.changes = new GzChangeFeed(client, pollMs);
    this.assistance = new GzAssistanceDesk(client);
  }

  /**
   * Rows of `resource` whose `column` is one of `keys`. Concurrent requests' lookups of one
   * kind share a batch call (support/coalesce.ts); a traced request's calls stay its own, so
   * their spans hang under its subgraph request.
   */
  private lookup(resource: string, column: string, keys: string[]): Promise<Row[]> {
    if (tracingState.on && inTracedWork()) return this.batchRows({ resource, column }, keys);
    return this.coalescer.load({ resource, column }, keys);
  }

  /** Rows of a batch lookup, across as many batch requests as needed. */
  private readonly batchRows = async ({ resource, column }: Kind, keys: string[]): Promise<Row[]> => {
    const path = `/api/v1/${resource}/batch`;
    const answers = await Promise.all(
      chunk([...new Set(keys)], MAX_KEYS_PER_REQUEST).map(async (part) =>
        rowsOf(await this.client.post(path, { [column]: part }), `POST ${path}`),
      ),
    );
    return answers.flat();
  };

  private readonly coalescer = new Coalescer<Row>({
    fetch: this.batchRows,
    // GZ matches keys exactly as it stores them, and every batch row carries its key column.
    keyOf: (row, column) => row[column],
    maxKeys: MAX_KEYS_PER_REQUEST,
    failsEveryone: (error) => error instanceof AdapterError && error.kind === 'UNAVAILABLE',
  });

  private async byId<T extends { id: string }>(resource: string, column: string, ids: readonly string[], map: (row: Row) => T) {
    return onePerKey(ids, (await this.lookup(resource, column, stringIds(ids))).map(map), (item) => item.id);
  }

  /** Lookups by identity number send every form GZ may hold and regroup by the normalised number. */
  private async byIdNumber<T>(
    resource: string,
    column: string,
    idNumbers: readonly string[],
    map: (row: Row) => T,
    keyOf: (item: T) => string,
  ) {
    return manyPerKey(idNumbers, (await this.lookup(resource, column, gzIdNumberForms(idNumbers))).map(map), keyOf);
  }

  private async byPlate<T>(resource: string, plates: readonly string[], map: (row: Row) => T, keyOf: (item: T) => string) {
    return manyPerKey(plates, (await this.lookup(resource, 'hphm', normalisedPlates(plates))).map(map), keyOf);
  }

  personRecordsById = (ids: readonly string[]) => this.byId('renkou', 'rkbh', ids, personFromGz);
  casesById = (ids: readonly string[]) => this.byId('anjian', 'ajbh', ids, caseFromGz);
  vehicleRecordsById = (ids: readonly string[]) => this.byId('cheliang', 'clbh', ids, vehicleFromGz);
  wantedNoticesById = (ids: readonly string[]) => this.byId('tongji', 'tjbh', ids, noticeFromGz);
  vehicleAlertsById = (ids: readonly string[]) => this.byId('bukong', 'bkbh', ids, alertFromGz);

  personRecordsByIdNumber = (idNumbers: readonly string[]): Promise<PersonRecord[][]> =>
    this.byIdNumber('renkou', 'sfzh', idNumbers, personFromGz, (p) => p.idNumber);
  vehicleRecordsByOwner = (idNumbers: readonly string[]): Promise<VehicleRecord[][]> =>
    this.byIdNumber('cheliang', 'syr_sfzh', idNumbers, vehicleFromGz, (v) => v.ownerIdNumber ?? '');
  wantedNoticesByIdNumber = (idNumbers: readonly string[]): Promise<WantedNotice[][]> =>
    this.byIdNumber('tongji', 'sfzh', idNumbers, noticeFromGz, (n) => n.idNumber);

  async involvementsByIdNumber(idNumbers: readonly string[]): Promise<Involvement[][]> {
    const groups = await this.byIdNumber('ajry', 'sfzh', idNumbers, involvementFromGz, (i) => i.idNumber);
    return groups.map((group) => group.map(({ caseId, role }) => ({ caseId, role })));
  }

  vehicleRecordsByPlate = (plates: readonly string[]): Promise<VehicleRecord[][]> =>
    this.byPlate('cheliang', plates, vehicleFromGz, (v) => v.plate);
  vehicleAlertsByPlate = (plates: readonly string[]): Promise<VehicleAlert[][]> =>
    this.byPlate('bukong', plates, alertFromGz, (a) => a.plate);

  async caseOfficersById(ids: readonly string[]): Promise<CaseOfficer[][]> {
    const rows = (await this.lookup('ajmj', 'ajbh', stringIds(ids))).map(officerFromGz);
    return manyPerKey(ids, rows, (o) => o.caseId).map((group) => group.map((o) => o.officer));
  }

  async casesByPlate(plates: readonly string[]): Promise<string[][]> {
    const groups = await this.byPlate('ajcl', plates, casePlateFromGz, (c) => c.plate);
    return groups.map((group) => [...new Set(group.map((c) => c.caseId))]);
  }

  private search<T>(
    kind: SearchKind,
    resource: string,
    query: Query,
    page: PageRequest,
    map: (row: Row) => T,
    sortKey: (item: T) => string,
  ) {
    const path = `/api/v1/${resource}`;
    return offsetPage(
      kind,
      page,
      async (n, pageSize) => legacyPage(await this.client.get(path, { ...query, page: n, pageSize }), `GET ${path}`),
      map,
      sortKey,
    );
  }

  async searchPersons(filter: PersonFilter, page: PageRequest): Promise<Page<PersonRecord>> {
    checkFilterText('GZ', filter);
    const name = nameMatch('GZ', filter?.name);
    const sex = filterEnum('GZ', 'sex', filter?.sex, SEXES);
    const query: Query = {
      ...(name && 'prefix' in name ? { xmqz: name.prefix } : { xm: name?.exact }),
      ...codeParams('xb', sex && sexFilter(sex)),
      csrqq: gzDateBound('bornFrom', filter?.bornFrom),
      csrqz: gzDateBound('bornTo', filter?.bornTo),
    };
    return this.search('persons', 'renkou', query, page, personFromGz, (p) => `${p.idNumber}\u0000${p.id}`);
  }

  async searchCases(filter: CaseFilter, page: PageRequest): Promise<Page<CaseRecord>> {
    checkFilterText('GZ', filter);
    const type = filterEnum('GZ', 'type', filter?.type, CASE_TYPES);
    const status = filterEnum('GZ', 'status', filter?.status, CASE_STATUSES);
    const query: Query = {
      ...codeParams('ajlb', type && caseTypeFilter(type)),
      ...codeParams('ajzt', status && caseStatusFilter(status)),
      basjq: gzTimeBound('reportedFrom', filter?.reportedFrom, 'from'),
      basjz: gzTimeBound('reportedTo', filter?.reportedTo, 'to'),
      fadd: filter?.place || undefined,
    };
    return this.search('cases', 'anjian', query, page, caseFromGz, (c) => c.id);
  }

  async searchVehicles(filter: VehicleFilter, page: PageRequest): Promise<Page<VehicleRecord>> {
    checkFilterText('GZ', filter);
    const energy = filterEnum('GZ', 'energy', filter?.energy, ENERGY_TYPES);
    const query: Query = {
      hphmqz: filter?.platePrefix ? normalisePlatePrefix(filter.platePrefix) : undefined,
      clpp: filter?.make || undefined,
      csys: filter?.colour || undefined,
      nylx: energy && energyFilter(energy),
    };
    return this.search('vehicles', 'cheliang', query, page, vehicleFromGz, (v) => `${v.plate}\u0000${v.id}`);
  }

  /**
   * GZ offers no key listing: its lists (persons, cases with their parties and vehicles,
   * vehicles, notices, alerts) are paged through in full, the largest legacy page at a time.
   */
  /** Every key GZ holds, list by list, each read in windows its legacy API pages cheaply (held-keys.ts). */
  async *heldKeys(): AsyncGenerator<HeldKeys> {
    yield* keysOf(rowsByDateWindows(this.listReader('renkou'), { from: 'csrqq', to: 'csrqz' }), (row) => ({
      idNumbers: [personFromGz(row).idNumber],
      plates: [],
    }));
    yield* keysOf(rowsByDateWindows(this.listReader('anjian'), { from: 'basjq', to: 'basjz' }), (row) => caseKeysOf(caseFromGz(row)));
    yield* keysOf(this.vehicleRows(), (row) => vehicleKeysOf(vehicleFromGz(row)));
    yield* keysOf(pagesOf(this.listReader('tongji')), (row) => ({ idNumbers: [noticeFromGz(row).idNumber], plates: [] }));
    yield* keysOf(pagesOf(this.listReader('bukong')), (row) => ({ idNumbers: [], plates: [alertFromGz(row).plate] }));
  }

  /**
   * One list's pages for the held-keys walk. A page GZ does not answer in time is asked again
   * (up to READ_ATTEMPTS, a second apart) before the walk gives up: a walk is thousands of pages,
   * and one slow moment of GZ's would otherwise start the whole filter build over.
   */
  private listReader(resource: string): ReadPage {
    const path = `/api/v1/${resource}`;
    return async (query) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return legacyPage(await this.client.get(path, query), `GET ${path}`);
        } catch (error) {
          if (attempt >= READ_ATTEMPTS || !(error instanceof AdapterError) || error.kind !== 'UNAVAILABLE') throw error;
          await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
        }
      }
    };
  }

  /**
   * Vehicles by plate prefix (GZ's own plates: 貴 and three more characters at most). The
   * prefixes tried may not cover every plate, so the walk counts as complete only when its
   * windows held as many rows as the list before and after it, and no vehicle changed
   * meanwhile (GZ's change log); otherwise the list is read again by plain offset paging.
   */
  private async *vehicleRows(): AsyncGenerator<Row[]> {
    const read = this.listReader('cheliang');
    const position = (await this.changes.changesSince(null)).position;
    const before = await count(read, {});
    const tally = { rows: 0 };
    yield* rowsByPrefixWindows(read, { param: 'hphmqz', stem: '貴', alphabet: PLATE_CHARACTERS, maxLength: 4 }, tally);
    const after = await count(read, {});
    if (tally.rows === before && after === before && !(await this.changedSince(position, 'VehicleRecord'))) return;
    yield* pagesOf(read);
  }

  /** Whether GZ's change log lists a change to `type` after `position` (or cannot say: it restarted). */
  private async changedSince(position: string, type: EntityType): Promise<boolean> {
    for (let since = position; ; ) {
      const answer = await this.changes.changesSince(since);
      if (answer.resync) return true;
      if (answer.changes.some((change) => change.type === type)) return true;
      if (answer.changes.length === 0) return false;
      since = answer.position;
    }
  }

  async health(): Promise<HealthStatus> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      const data = (await this.client.get('/api/v1/health')) as { zt?: unknown };
      const up = isRow(data) && data.zt === 'UP';
      return { ok: up, detail: up ? 'GZ legacy service up' : `GZ reports status ${JSON.stringify(data?.zt)}`, latencyMs: latency() };
    } catch (error) {
      return { ok: false, detail: (error as Error).message, latencyMs: latency() };
    }
  }

  async close(): Promise<void> {
    this.changes.close();
    await this.client.close();
  }
}

const caseKeysOf = (c: CaseRecord): HeldKeys => ({ idNumbers: c.parties.map((p) => p.idNumber), plates: c.vehiclePlates });
const vehicleKeysOf = (v: VehicleRecord): HeldKeys => ({ idNumbers: v.ownerIdNumber ? [v.ownerIdNumber] : [], plates: [v.plate] });

/** Tries of one page of the held-keys walk (listReader). */
const READ_ATTEMPTS = 3;

/** The characters after 貴 in GZ's plates (issuing office letter, then serial digits and letters). */
const PLATE_CHARACTERS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** One HeldKeys batch per page of rows. */
async function* keysOf(pages: AsyncIterable<Row[]>, keysOfRow: (row: Row) => HeldKeys): AsyncGenerator<HeldKeys> {
  for await (const rows of pages) {
    const batch: HeldKeys = { idNumbers: [], plates: [] };
    for (const row of rows) {
      const keys = keysOfRow(row);
      batch.idNumbers.push(...keys.idNumbers);
      batch.plates.push(...keys.plates);
    }
    yield batch;
  }
}

export const createAdapter: AdapterFactory = async ({ settings }) => {
  const parsed = parseGzSettings(settings);
  return new GzAdapter(new GzClient(parsed), parsed.pollMs);
};
