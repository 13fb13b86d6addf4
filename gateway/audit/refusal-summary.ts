/**
 * The record standing in for many refused requests: when one client address keeps
 * sending requests that are refused before anyone is authenticated, past a threshold
 * they are counted rather than recorded one by one (gateway/limits/address-refusals.ts),
 * and each address's count for a window becomes one `refusals` entry in the chain —
 * when the window ends, and at shutdown. Officers' requests are never summarised.
 */
import { RECORD_VERSION } from '../../common/log/gap.ts';

export interface RefusalSummaryBody {
  type: 'refusals';
  v: number;
  /** When the summary was written (UTC, ms precision). */
  at: string;
  instance: string;
  /** An IPv4 address, an IPv6 /64 (`2001:db8:0:1::/64`), or `*` for addresses past the tracking limit. */
  client: { address: string };
  /** The window the count covers, UTC. */
  window: { from: string; to: string };
  /** Requests answered 429 RATE_LIMITED in that window and not recorded one by one. */
  count: number;
  /** What they would have been refused with, and how often: `{ "UNAUTHENTICATED": 14900 }`. */
  refusedAs: Record<string, number>;
  outcome: 'rate-limited';
  httpStatus: 429;
}

export interface RefusalSummaryFacts {
  instance: string;
  address: string;
  from: number;
  to: number;
  count: number;
  codes: Record<string, number>;
}

export function refusalSummaryRecord(facts: RefusalSummaryFacts, now: number = Date.now()): RefusalSummaryBody {
  const refusedAs: Record<string, number> = {};
  for (const code of Object.keys(facts.codes).sort()) refusedAs[code] = facts.codes[code];
  return {
    type: 'refusals',
    v: RECORD_VERSION,
    at: new Date(now).toISOString(),
    instance: facts.instance,
    client: { address: facts.address },
    window: { from: new Date(facts.from).toISOString(), to: new Date(facts.to).toISOString() },
    count: facts.count,
    refusedAs,
    outcome: 'rate-limited',
    httpStatus: 429,
  };
}
