/**
 * The per-request context every resolver of a regional subgraph receives.
 *
 * One object per HTTP request, built by the server after the request guard has let the
 * request through. Core fields are owned by the server; hooks add their own fields
 * (`GuardResult.context`, `contextExtension`) beside them, e.g. the verified caller of
 * the gateway's internal token, which graphql-shield rules and the disclosure log read.
 */
import type { Logger } from './logger.ts';
import type { RegionAdapter } from '../adapters/adapter.ts';
import type { Loaders } from './loaders.ts';

/** The three parts of the regional contract; each is served at `/<part>`. */
import { CONTRACT_PARTS, type ContractPart } from '../schema/contract.ts';

export { CONTRACT_PARTS, type ContractPart };

export interface SubgraphContext {
  /** This subgraph's region code (`adapter.region.code`), e.g. `JS`. */
  region: string;
  /** Which part of the contract the request addressed. */
  part: ContractPart;
  adapter: RegionAdapter;
  /** Fresh per request: batching and caching never cross requests (or callers). */
  loaders: Loaders;
  /** `X-Request-Id` sent by the gateway (its audit id), or a fresh UUID. */
  requestId: string;
  logger: Logger;
  /** Fields added by the request guard and `contextExtension`. */
  [extension: string]: unknown;
}

/** Keys the hooks may not overwrite. */
export const CORE_CONTEXT_KEYS: ReadonlySet<string> = new Set(['region', 'part', 'adapter', 'loaders', 'requestId', 'logger']);
