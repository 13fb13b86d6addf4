/**
 * Bulk-lookup detection: one officer viewing more than `threshold` distinct persons
 * within a sliding window is what scraping, or a stolen token, looks like. The
 * responses feed it with the persons whose data they carry — the audit record's
 * `subjects.persons` (gateway/disclosure/), whether or not the identity number itself was
 * selected.
 *
 * Alert mode records and raises one alert each time an officer crosses the threshold.
 * Block mode also withholds any response that would take the officer past it; persons
 * already viewed within the window stay viewable, so the officer can finish the work in
 * hand while the alert is looked into.
 */
import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import type { BulkLookupConfig } from './config.ts';

export interface BulkLookupAlert {
  caller: string;
  distinctPersons: number;
  threshold: number;
  windowSeconds: number;
  blocked: boolean;
  at: string;
}

export type BulkDecision =
  | { allowed: true; distinct: number }
  | { allowed: false; distinct: number; wouldBe: number; threshold: number; windowSeconds: number };

export class BulkLookupMonitor extends EventEmitter<{ alert: [BulkLookupAlert] }> {
  /** Per officer: identity number → when last viewed (ms), and whether the crossing was alerted. */
  private readonly officers: LRUCache<string, { viewed: Map<string, number>; alerted: boolean }>;

  constructor(
    private readonly config: BulkLookupConfig,
    maxCallers = 100_000,
  ) {
    super();
    this.officers = new LRUCache({ max: maxCallers });
  }

  /** Records what a response shows `caller`; in block mode refuses (records nothing) past the threshold. */
  record(caller: string, idNumbers: Iterable<string>, now: number = Date.now()): BulkDecision {
    const officer = this.window(caller, now);
    const ids = new Set(idNumbers);
    const wouldBe = officer.viewed.size + [...ids].filter((id) => !officer.viewed.has(id)).length;
    if (wouldBe <= this.config.threshold) {
      officer.alerted = false;
    } else {
      if (!officer.alerted) this.raise(caller, wouldBe, now);
      officer.alerted = true;
      if (this.config.block)
        return {
          allowed: false,
          distinct: officer.viewed.size,
          wouldBe,
          threshold: this.config.threshold,
          windowSeconds: this.config.windowSeconds,
        };
    }
    for (const id of ids) officer.viewed.set(id, now);
    return { allowed: true, distinct: officer.viewed.size };
  }

  /** The officer's state with views older than the window forgotten. */
  private window(caller: string, now: number): { viewed: Map<string, number>; alerted: boolean } {
    let officer = this.officers.get(caller);
    if (!officer) this.officers.set(caller, (officer = { viewed: new Map(), alerted: false }));
    const since = now - this.config.windowSeconds * 1000;
    for (const [id, at] of officer.viewed) if (at < since) officer.viewed.delete(id);
    return officer;
  }

  private raise(caller: string, distinctPersons: number, now: number): void {
    const { threshold, windowSeconds, block } = this.config;
    this.emit('alert', { caller, distinctPersons, threshold, windowSeconds, blocked: block, at: new Date(now).toISOString() });
  }
}
