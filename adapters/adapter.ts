/**
 * The adapter interface: what every regional system must offer Liandong.
 *
 * Batch-first on purpose: every lookup takes an array of keys and returns an array of
 * the same length and order, with `null` where the region has nothing (or, for the
 * one-to-many lookups, an empty array). The subgraph server puts a DataLoader in front
 * of each method, so a query over 50 cases' suspects costs one adapter call per level.
 *
 * Keys going in are already normalised (18-digit identity numbers, normalised plates,
 * local ids without the region prefix); values coming out carry normalised keys too.
 * Region-specific formats (15-digit numbers, YYYYMMDD dates, sex codes 1/2, GBK text,
 * code tables) never cross this interface except in the `…AsRecorded` fields.
 */
import type { ChangeEvent } from '../common/changes/event.ts';

export type Sex = 'MALE' | 'FEMALE' | 'UNKNOWN';
export type PartyRole = 'SUSPECT' | 'VICTIM' | 'WITNESS';
export type CaseType =
  | 'TELECOM_FRAUD'
  | 'THEFT'
  | 'ROBBERY'
  | 'DRUG_TRAFFICKING'
  | 'ONLINE_GAMBLING'
  | 'ASSAULT'
  | 'TRAFFIC_OFFENCE'
  | 'OTHER';
export type CaseStatus = 'REGISTERED' | 'INVESTIGATING' | 'SOLVED' | 'PROSECUTED' | 'CLOSED' | 'UNKNOWN';
export type EnergyType = 'FUEL' | 'NEW_ENERGY';
export type WantedStatus = 'AT_LARGE' | 'CAUGHT' | 'WITHDRAWN';
export type AlertKind = 'STOLEN' | 'CASE_INVOLVED';

/** A person as one region records them. `id` is the region-local id (no region prefix). */
export interface PersonRecord {
  id: string;
  idNumber: string; // normalised 18-digit
  idNumberAsRecorded: string; // as the region stores it (may be 15 digits)
  name: string;
  sex: Sex;
  sexCodeAsRecorded: string | null; // set when the region's code could not be mapped
  birthDate: string; // ISO yyyy-mm-dd
  address: string | null;
  phone: string | null;
  updatedAt: string; // ISO date-time, UTC
}

export interface CaseParty {
  role: PartyRole;
  idNumber: string; // normalised
  nameAsRecorded: string;
}

export interface CaseRecord {
  id: string; // region-local id, e.g. C-2026-000123
  caseNumber: string;
  type: CaseType;
  typeCodeAsRecorded: string;
  status: CaseStatus;
  statusCodeAsRecorded: string;
  reportedAt: string; // ISO date-time, UTC
  place: string;
  lossAmount: number | null;
  summary: string | null;
  parties: CaseParty[];
  vehiclePlates: string[]; // normalised plates
  updatedAt: string;
}

export interface VehicleRecord {
  id: string;
  plate: string; // normalised
  plateAsRecorded: string;
  vin: string;
  make: string;
  model: string;
  colour: string;
  energy: EnergyType;
  ownerIdNumber: string | null; // normalised
  registeredAt: string; // ISO date
  updatedAt: string;
}

export interface WantedNotice {
  id: string;
  idNumber: string; // normalised
  status: WantedStatus;
  reason: string;
  caseId: string | null; // region-local case id
  issuedAt: string;
  updatedAt: string;
}

export interface VehicleAlert {
  id: string;
  plate: string; // normalised
  kind: AlertKind;
  active: boolean;
  caseId: string | null;
  issuedAt: string;
  updatedAt: string;
}

export type OfficerDuty = 'LEAD' | 'MEMBER' | 'ASSISTING';

/**
 * An officer assigned to a case, as the case's region records it: its own officers
 * (`LEAD`, `MEMBER`) and the officers of the team assisting it (`ASSISTING`, with the
 * team's code), who may serve in another region. Need-to-know rests on this: the gateway
 * grants case-bound scopes (contact details) only to officers assigned to the case named
 * in X-Purpose (docs/security.md).
 */
export interface CaseOfficer {
  officerId: string; // normalised police number REGION-NNNNNNN, as in the token's `sub` (JS-0310552)
  duty: OfficerDuty;
  team: string | null; // the assisting team's code for ASSISTING officers, else null
}

/** A case a person is involved in, seen from the person. */
export interface Involvement {
  caseId: string;
  role: PartyRole;
}

export interface PersonFilter {
  name?: string; // exact, or prefix when it ends with `*`
  sex?: Sex;
  bornFrom?: string; // ISO date, inclusive
  bornTo?: string;
}

export interface CaseFilter {
  type?: CaseType;
  status?: CaseStatus;
  reportedFrom?: string; // ISO date or date-time, inclusive
  reportedTo?: string;
  place?: string; // substring
}

export interface VehicleFilter {
  platePrefix?: string; // already normalised
  make?: string;
  colour?: string;
  energy?: EnergyType;
}

/**
 * One page of a search. `after` is a cursor this adapter produced (opaque to everyone
 * else; keyset or offset, whatever the regional system supports).
 */
export interface PageRequest {
  first: number;
  after?: string | null;
}

/**
 * Items in the adapter's stable order, sorted ascending by the global key (normalised
 * identity number, plate, or local case id) where the regional system can sort by it.
 * `cursors[i]` points just after `items[i]`: the gateway merges several regions' pages
 * by taking a prefix of each, and resumes each region from the cursor of the last item
 * it took, so no item is lost or repeated within a region.
 */
export interface Page<T> {
  items: T[];
  cursors: string[];
  hasNextPage: boolean;
  totalCount: number;
}

// A change to one record and the entity types it names live on the common floor (the gateway's
// cache reads them too); re-exported here because adapter authors produce them.
export type { ChangeAction, ChangeEvent, EntityType } from '../common/changes/event.ts';

/**
 * One answer of a change feed. `resync` says the position asked about belongs to another
 * life of the system's change log (its database was replaced or restored, its numbering
 * restarted): what changed since then cannot be listed, `changes` is empty, `position` is
 * the current head, and whoever derived anything from this region must drop it.
 */
export interface ChangesAnswer {
  changes: ChangeEvent[];
  position: string;
  resync?: boolean;
}

export interface ChangeFeed {
  /** Changes after the opaque position `since` (null: from now), and the next position. */
  changesSince(since: string | null): Promise<ChangesAnswer>;
  /** Pushed events, where the system can push; returns an unsubscribe function. */
  subscribe?(listener: (event: ChangeEvent) => void): () => void;
}

/**
 * One batch of the global keys a region holds something about: normalised identity
 * numbers (person records, case parties, vehicle owners, wanted notices) and plates
 * (registrations, case vehicles, vehicle alerts). The subgraph builds the region's
 * membership filter from them (subgraphs/filters/); a key missing here would make the
 * gateway skip the region for it, so the list must be complete. Duplicates are fine.
 */
export interface HeldKeys {
  idNumbers: string[];
  plates: string[];
}

export interface HealthStatus {
  ok: boolean;
  detail: string;
  latencyMs: number;
}

export interface RegionInfo {
  code: string; // JS, GZ, HB…
  name: string; // 江蘇, …
  /** Identity-number area-code prefixes (first two digits) of the region. */
  areaPrefixes: string[];
  /** Plate province characters of the region. */
  plateProvinces: string[];
}

// ─── The write side: assistance requests (協查) ────────────────────────────────────────

export type AssistanceKind = 'PERSON_RECORDS' | 'CONTACT_DETAILS' | 'CASES' | 'VEHICLES';
export type AssistanceUrgency = 'URGENT' | 'HIGH' | 'NORMAL';
export type AssistanceStatus = 'PENDING' | 'ACCEPTED' | 'ANSWERED' | 'DECLINED';

/**
 * How a region takes requests and its officers' steps on them:
 * - `direct`: written into its system at once (JS: rows in its database; GZ: its legacy
 *   service's write endpoints);
 * - `drop-folder`: handed to its system's intake as files (HB: GBK files in its drop
 *   folder, a request or an officer's accept / answer / decline); the system takes them
 *   in on its next turn and the result comes back in its next export. Until then the
 *   desk shows each write as submitted (read back from the waiting file).
 */
export type AssistanceChannel = 'direct' | 'drop-folder';

export interface AssistanceEvent {
  at: string; // ISO date-time, UTC
  status: AssistanceStatus;
  by: string; // police number
  note: string | null;
}

/** A new request, checked and normalised by the subgraph before the adapter sees it. */
export interface NewAssistanceRequest {
  /** Chosen by the client; a second submit with the same key returns the first request. */
  idempotencyKey: string;
  caseRef: string; // the requesting case, Liandong id (JS:C-2026-000123)
  fromRegion: string;
  requestedBy: string; // police number of the requesting officer
  subjects: string[]; // normalised identity numbers
  ask: AssistanceKind[];
  urgency: AssistanceUrgency;
  note: string | null;
  requestedAt: string; // ISO date-time, UTC
  deadline: string; // ISO date-time, UTC (from the urgency, schema/assistance.json)
}

/** A request as the receiving region holds it. `id` is region-local (`AR-…`). */
export interface AssistanceRequestRecord extends NewAssistanceRequest {
  id: string;
  status: AssistanceStatus;
  answerNote: string | null;
  /** Liandong ids of this region's records given in the answer. */
  answeredRecords: string[];
  declineReason: string | null;
  history: AssistanceEvent[];
  /**
   * Drop-folder desks: the statuses shown as submitted that the region's system has not
   * taken in yet (PENDING for a request still in the folder). Absent or empty: all held.
   */
  awaiting?: AssistanceStatus[];
}

/** One step an officer of the receiving region takes on a request. */
export type AssistanceStep =
  | { status: 'ACCEPTED'; by: string; at: string }
  | { status: 'ANSWERED'; by: string; at: string; note: string; records: string[] }
  | { status: 'DECLINED'; by: string; at: string; reason: string };

/** Which states each step may be taken from (PENDING → ACCEPTED → ANSWERED | DECLINED, or straight from PENDING). */
export const STEP_ALLOWED_FROM: Readonly<Record<AssistanceStep['status'], readonly AssistanceStatus[]>> = {
  ACCEPTED: ['PENDING'],
  ANSWERED: ['PENDING', 'ACCEPTED'],
  DECLINED: ['PENDING', 'ACCEPTED'],
};

/** The request is already where the step would take it, with the same content: a repeat, to be answered unchanged. */
export function stepAlreadyTaken(request: AssistanceRequestRecord, step: AssistanceStep): boolean {
  if (request.status !== step.status) return false;
  if (step.status === 'ANSWERED')
    return (
      request.answerNote === step.note &&
      request.answeredRecords.length === step.records.length &&
      request.answeredRecords.every((r, i) => r === step.records[i])
    );
  if (step.status === 'DECLINED') return request.declineReason === step.reason;
  return true;
}

/**
 * The write side of a region. Writes are idempotent: `submit` with a key already used
 * returns the request it made (`created: false`), and a step repeated on a request already
 * in that state with the same content returns it unchanged. A step the request's state
 * does not allow is an AdapterError `CONFLICT`; an unknown id `NOT_FOUND`; a system that
 * cannot be reached `UNAVAILABLE` — and then nothing was written.
 */
export interface AssistanceDesk {
  readonly channel: AssistanceChannel;
  submit(request: NewAssistanceRequest): Promise<{ request: AssistanceRequestRecord; created: boolean }>;
  requestsById(ids: readonly string[]): Promise<(AssistanceRequestRecord | null)[]>;
  /** Requests received, newest first; all statuses when `status` is null. */
  inbox(status: AssistanceStatus | null): Promise<AssistanceRequestRecord[]>;
  /**
   * An officer's step through the graph; absent when the region's officers can act only in
   * its own system. A drop-folder desk hands the step to its system and returns the
   * request as submitted.
   */
  step?(id: string, step: AssistanceStep): Promise<AssistanceRequestRecord>;
}

export interface RegionAdapter {
  readonly region: RegionInfo;
  /** The write side; a region without one refuses assistance requests with a clear error. */
  readonly assistance?: AssistanceDesk;

  personRecordsById(ids: readonly string[]): Promise<(PersonRecord | null)[]>;
  personRecordsByIdNumber(idNumbers: readonly string[]): Promise<PersonRecord[][]>;
  casesById(ids: readonly string[]): Promise<(CaseRecord | null)[]>;
  involvementsByIdNumber(idNumbers: readonly string[]): Promise<Involvement[][]>;
  casesByPlate(plates: readonly string[]): Promise<string[][]>; // case ids
  /**
   * The officers assigned to each case (local ids), in the region's order; an empty list
   * for a case the region does not hold or that has no one assigned. "Is officer X
   * assigned to case C" is `caseOfficersById([C])[0].some((o) => o.officerId === X)`.
   */
  caseOfficersById(caseIds: readonly string[]): Promise<CaseOfficer[][]>;
  vehicleRecordsById(ids: readonly string[]): Promise<(VehicleRecord | null)[]>;
  vehicleRecordsByPlate(plates: readonly string[]): Promise<VehicleRecord[][]>;
  vehicleRecordsByOwner(idNumbers: readonly string[]): Promise<VehicleRecord[][]>;
  wantedNoticesById(ids: readonly string[]): Promise<(WantedNotice | null)[]>;
  wantedNoticesByIdNumber(idNumbers: readonly string[]): Promise<WantedNotice[][]>;
  vehicleAlertsById(ids: readonly string[]): Promise<(VehicleAlert | null)[]>;
  vehicleAlertsByPlate(plates: readonly string[]): Promise<VehicleAlert[][]>;

  searchPersons(filter: PersonFilter, page: PageRequest): Promise<Page<PersonRecord>>;
  searchCases(filter: CaseFilter, page: PageRequest): Promise<Page<CaseRecord>>;
  searchVehicles(filter: VehicleFilter, page: PageRequest): Promise<Page<VehicleRecord>>;

  /**
   * Every key the region holds (HeldKeys), in batches, read from the system as it is now.
   * Reading may take a while (a million persons): batches let the caller go on serving.
   */
  heldKeys(): AsyncIterable<HeldKeys>;

  health(): Promise<HealthStatus>;
  readonly changes: ChangeFeed;
  close(): Promise<void>;
}

/** What a region's adapter is built from: the data root and region-specific settings. */
export interface AdapterOptions {
  /** Data root (default `.data/`); the adapter finds its system's files below it. */
  dataDir: string;
  /** Region-specific settings from the region registry, e.g. GZ's `serviceUrl`. */
  settings: Record<string, string | number | boolean | undefined>;
}

/** Every `adapters/<code>/index.ts` exports `createAdapter` of this type. */
export type AdapterFactory = (options: AdapterOptions) => Promise<RegionAdapter>;

/** Typed adapter failures; the subgraph maps `kind` to an `extensions.code`. */
export type AdapterErrorKind =
  | 'BAD_INPUT' // the caller's key or filter is invalid
  | 'UNAVAILABLE' // the regional system is down or timed out
  | 'BAD_SOURCE_DATA' // the regional system answered with something malformed
  | 'NOT_FOUND' // a write names something the region does not hold
  | 'CONFLICT'; // a write the record's state does not allow (answering a declined request)

export class AdapterError extends Error {
  constructor(
    readonly kind: AdapterErrorKind,
    readonly region: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${region}: ${message}`, options);
    this.name = 'AdapterError';
  }
}

/**
 * The batch lookups of the interface, by name: the subgraph makes one DataLoader per
 * method (subgraphs/loaders.ts) and the loader checks an adapter has them all
 * (adapters/load.ts). One list, so a method added to the interface is added to both.
 */
export const BATCH_METHODS = [
  'personRecordsById',
  'personRecordsByIdNumber',
  'casesById',
  'involvementsByIdNumber',
  'casesByPlate',
  'caseOfficersById',
  'vehicleRecordsById',
  'vehicleRecordsByPlate',
  'vehicleRecordsByOwner',
  'wantedNoticesById',
  'wantedNoticesByIdNumber',
  'vehicleAlertsById',
  'vehicleAlertsByPlate',
] as const satisfies readonly (keyof RegionAdapter)[];
