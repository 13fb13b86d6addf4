/**
 * What the region data sources need from the rest of the gateway, kept minimal so the
 * region registry (gateway/registry/registry.ts) satisfies it as it is.
 */
import type { GatewayContext, RegionOutcome, RequestReport } from '../../context.ts';
import type { ContractPart } from '../../../schema/contract.ts';
import type { FailureReason } from './failure-reason.ts';

export type { ContractPart };

/** One region as the data sources see it (a subset of the registry's `Region`). */
export interface RegionEntry {
  code: string;
  name: string;
  /** Full URL of each contract part, e.g. `http://127.0.0.1:4101/records`. */
  endpoints: Readonly<Record<ContractPart, string>>;
  /** The longest a fetch may wait for this region, queueing included. */
  timeoutMs: number;
  /** Requests in flight to this region at once; more wait in a bounded queue. */
  maxConcurrency: number;
  breaker?: { failureThreshold: number; cooldownMs: number };
  /**
   * Concurrent one-region requests sharing one HTTP request and signature (region-envelopes.ts):
   * at most `maxInFlight` out to a part before the next queue, at most `maxRequests` in one
   * envelope; `false` sends every request alone. Default: the client's (DEFAULT_ENVELOPES).
   */
  envelopes?: { maxInFlight: number; maxRequests: number } | false;
}

/**
 * The current list of regions, in the stable merge order. Read on every fetch, so a
 * reloaded registry takes effect at the next query; given the request's context, the
 * list that request started with (a reload mid-query does not change its regions).
 */
export interface RegionDirectory {
  regions(request?: unknown): readonly RegionEntry[];
}

/** Extra headers for one region request (e.g. the gateway's signed internal token). */
export type HeadersHook = (
  region: RegionEntry,
  body: string,
  context: Partial<GatewayContext> | undefined,
  /** Which contract part is called: the internal token's audience is `<region>/<part>`. */
  part: ContractPart,
) => Record<string, string> | Promise<Record<string, string>>;

/**
 * Headers for all the requests of one fan-out at once, in the order given (the internal
 * token signs a fan-out once); used instead of HeadersHook when a fetch asks several regions.
 */
export type BatchHeadersHook = (
  requests: readonly { region: RegionEntry; body: string }[],
  context: Partial<GatewayContext> | undefined,
  part: ContractPart,
) => Record<string, string>[];

/**
 * Signs region requests late, so that requests to one region that meet under load can
 * share one signature and one HTTP request (an envelope: region-envelopes.ts). The
 * gateway's auth layer implements it over the internal token; `prepare` binds the request
 * to its caller, purpose and body, `seal`/`sealEnvelope` sign and give the headers.
 */
export interface RequestSealer {
  prepare(region: RegionEntry, body: string, context: Partial<GatewayContext> | undefined, part: ContractPart): SealedRequest;
  /** Headers for a prepared request sent alone (the ordinary internal token). */
  seal(prepared: string): Record<string, string>;
  /** Headers for an envelope of prepared requests to one region and part. */
  sealEnvelope(region: string, part: ContractPart, prepared: readonly string[]): Record<string, string>;
}

/** A region request whose token is prepared but not yet signed. */
export interface SealedRequest {
  body: string;
  /** The request's unsigned token. */
  prepared: string;
  /** Other headers of its own (its request id). */
  headers: Record<string, string>;
}

/** Where a data source writes what the regions answered; default `context.report`. */
export type ReportLocator = (context: unknown) => RequestReport | undefined;

/** A GraphQL request body as sent to a subgraph. */
export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** A subgraph's JSON answer. */
export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: FormattedError[];
  extensions?: Record<string, unknown>;
}

export interface FormattedError {
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

/** How one region request ended, before the data source judges hit or miss. */
export type TransportStatus = 'answered' | 'error' | 'timeout' | 'circuit-open';

export interface RegionAnswer {
  region: RegionEntry;
  status: TransportStatus;
  latencyMs: number;
  /** Present when status is `answered`. */
  answer?: GraphQLAnswer;
  /** Why the region did not answer (status other than `answered`), fit for callers: never an address or path. */
  message?: string;
  /** The stable reason behind `message` (failure-reason.ts). */
  reason?: FailureReason;
  /** Cache hook (gateway/cache): the whole answer came from the entity cache; reported as `cached`. */
  fromCache?: boolean;
}

export type { RegionOutcome };

/** Sends region requests for real (the data source's own transport). */
export type SendRequests = (regions: readonly RegionEntry[], requests: ReadonlyMap<string, GraphQLBody>) => Promise<RegionAnswer[]>;

/**
 * What the region data sources consult instead of sending directly (region-fetch.ts):
 * the gateway's entity cache implements it (gateway/cache/entity-cache.ts). Declared
 * here, by the data sources that call it, so federation never imports the cache.
 */
export interface RegionRequestCache {
  ask(
    subgraph: string,
    regions: readonly RegionEntry[],
    requests: ReadonlyMap<string, GraphQLBody>,
    context: unknown,
    send: SendRequests,
  ): Promise<RegionAnswer[]>;
  /**
   * A fetch of this execution that does not go through the cache (a search, the
   * gateway's own subgraph, any other subgraph): the answer it feeds is not one to keep
   * whole (the response cache).
   */
  bypassed(context: unknown, reason: string): void;
}
