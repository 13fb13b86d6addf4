/**
 * The per-request context every gateway layer shares.
 *
 * Apollo Server creates one per HTTP request (see server.ts); plugins fill it in the
 * order of the lifecycle (authentication → purpose → authorisation → limits → execution
 * → audit) and the region data sources write what each region answered into `report`.
 * Keeping it in one typed object is what lets the audit record say exactly what
 * happened, and lets the cache key on the caller's authorisation partition.
 */
import type { Subjects } from '../common/audit/subjects.ts';
import type { Officer, Purpose } from '../common/officer.ts';

export type { Purpose };

export interface Caller extends Officer {
  /** Scopes from the token's `scope` claim plus those the roles grant (policy file). */
  scopes: ReadonlySet<string>;
  /** True only when the config explicitly allows anonymous access (development, benchmarks). */
  anonymous: boolean;
  /** The client app the token was issued to (`client` or `azp` claim), if it says. */
  client?: string | null;
}

export type RegionStatus = 'hit' | 'miss' | 'error' | 'timeout' | 'skipped' | 'circuit-open' | 'cached';

/** What one region answered for one subgraph fetch. */
export interface RegionOutcome {
  region: string;
  subgraph: string;
  status: RegionStatus;
  latencyMs: number;
  message?: string;
}

/** A field the caller asked for but may not see. */
export interface DeniedField {
  /** Response path where it would have been (`person.records.address` for lists, no indices). */
  path: (string | number)[];
  /** Schema coordinate, e.g. `PersonRecord.address`. */
  coordinate: string;
  /** What was missing, e.g. `scope person:contact` or `policy sameRegion`. */
  missing: string;
}

/** A scalar on which two regions disagreed while merging. */
export interface MergeConflict {
  path: (string | number)[];
  values: Record<string, unknown>;
}

export interface RequestReport {
  regions: RegionOutcome[];
  conflicts: MergeConflict[];
  cache: { hits: number; misses: number };
}

export interface GatewayContext {
  /** Also the audit id; returned as `extensions.auditId`. */
  requestId: string;
  startedAt: number;
  clientAddress: string;
  userAgent: string;
  caller: Caller | null;
  purpose: Purpose | null;
  /** Stable string naming everything about the caller that can change what data is returned. */
  authorisationPartition: string;
  denied: DeniedField[];
  report: RequestReport;
  /**
   * Whose data the executed answer holds (persons, cases, plates, records), found by the
   * disclosure layer (gateway/disclosure/) whatever fields the client selected; unset
   * until the operation executes. Read through gateway/sent-subjects.ts.
   */
  disclosed?: Subjects;
  /**
   * Settles once the response is final: after the audit plugin has recorded it, or
   * replaced it with AUDIT_UNAVAILABLE. Apollo Server runs every plugin's
   * willSendResponse at once, so a plugin that reports the response (metrics, request
   * log) awaits this to report what the client actually gets. Unset when audit is off.
   */
  audited?: Promise<void>;
  /**
   * Settles once the bulk-lookup monitor has counted the response (and, in block mode,
   * perhaps withheld it); the count may wait on Redis. The audit awaits it, so it records
   * the response as the monitor left it. Unset for a response with no data.
   */
  bulkLookupChecked?: Promise<void>;
  /** `sha256:<hex>` when the operation is a registered trusted document (gateway/trusted-documents). */
  trustedDocumentId?: string;
}

export function newReport(): RequestReport {
  return { regions: [], conflicts: [], cache: { hits: 0, misses: 0 } };
}
