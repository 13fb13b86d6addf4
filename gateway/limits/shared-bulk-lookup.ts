/**
 * Bulk-lookup counts shared by every gateway replica: the same sliding window as
 * bulk-lookup.ts, kept in Redis (a sorted set per officer: identity number → when last
 * viewed, plus an "alerted" flag) and updated by one Lua script, so an officer whose
 * requests alternate between replicas is counted once, and the crossing is alerted once
 * (by the replica whose response crossed it), not once per replica.
 *
 * Bounded memory: both keys expire one window after the officer's last counted view; a
 * set never keeps more than `MAX_VIEWS_FACTOR` × threshold persons (the oldest views are
 * dropped first — past that size the officer is far over the threshold anyway, and
 * stays alerted or blocked).
 *
 * Without `counters` (limits.store "memory"), or whenever Redis cannot answer in time,
 * the per-process monitor decides (shared-counters.ts explains the choice); its alerts
 * are raised here all the same.
 */
import { EventEmitter } from 'node:events';
import { BulkLookupMonitor, type BulkDecision, type BulkLookupAlert } from './bulk-lookup.ts';
import type { BulkLookupConfig } from './config.ts';
import { LIMITS_PREFIX, type SharedCounters } from './shared-counters.ts';

export const MAX_VIEWS_FACTOR = 10;

/**
 * KEYS[1] viewed (zset), KEYS[2] alerted flag; ARGV now ('' → Redis's TIME), window ms,
 * threshold, block (1/0), cap, then the distinct identity numbers.
 * Returns {allowed, distinct, wouldBe, raise}.
 */
const RECORD = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local window = tonumber(ARGV[2])
local threshold = tonumber(ARGV[3])
local block = ARGV[4] == '1'
local cap = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - window))
local viewed = redis.call('ZCARD', KEYS[1])
local wouldBe = viewed
for i = 6, #ARGV do
  if not redis.call('ZSCORE', KEYS[1], ARGV[i]) then wouldBe = wouldBe + 1 end
end
local raise = 0
if wouldBe <= threshold then
  redis.call('DEL', KEYS[2])
else
  if redis.call('SET', KEYS[2], '1', 'NX', 'PX', window) then raise = 1 end
  redis.call('PEXPIRE', KEYS[2], window)
  if block then return {0, viewed, wouldBe, raise} end
end
for i = 6, #ARGV do redis.call('ZADD', KEYS[1], now, ARGV[i]) end
local size = redis.call('ZCARD', KEYS[1])
if size > cap then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, size - cap - 1)
  size = cap
end
redis.call('PEXPIRE', KEYS[1], window)
return {1, size, wouldBe, raise}`;

export function bulkKeys(caller: string): [viewed: string, alerted: string] {
  // One hash tag per officer: on Redis Cluster both keys of the script share a slot.
  const base = `${LIMITS_PREFIX}bulk:{${caller}}`;
  return [base, `${base}:alerted`];
}

export class SharedBulkLookup extends EventEmitter<{ alert: [BulkLookupAlert] }> {
  readonly #local: BulkLookupMonitor;

  constructor(
    private readonly config: BulkLookupConfig,
    private readonly counters: SharedCounters | null,
  ) {
    super();
    this.#local = new BulkLookupMonitor(config);
    this.#local.on('alert', (alert) => this.emit('alert', alert));
  }

  /** Records what a response shows `caller`; in block mode refuses (records nothing) past the threshold. */
  async record(caller: string, idNumbers: Iterable<string>, now?: number): Promise<BulkDecision> {
    const ids = [...new Set(idNumbers)];
    if (this.counters) {
      try {
        return await this.#shared(caller, ids, now);
      } catch (error) {
        this.counters.fellBack('bulk', error);
      }
    }
    return this.#local.record(caller, ids, now);
  }

  async #shared(caller: string, ids: string[], now: number | undefined): Promise<BulkDecision> {
    const { threshold, windowSeconds, block } = this.config;
    const reply = await this.counters!.run(RECORD, bulkKeys(caller), [
      now === undefined ? '' : String(now),
      String(windowSeconds * 1000),
      String(threshold),
      block ? '1' : '0',
      String(threshold * MAX_VIEWS_FACTOR),
      ...ids,
    ]);
    const [allowed, distinct, wouldBe, raise] = (reply as number[]).map(Number);
    if (raise === 1) {
      this.emit('alert', {
        caller,
        distinctPersons: wouldBe,
        threshold,
        windowSeconds,
        blocked: block,
        at: new Date(now ?? Date.now()).toISOString(),
      });
    }
    return allowed === 1 ? { allowed: true, distinct } : { allowed: false, distinct, wouldBe, threshold, windowSeconds };
  }
}
