/**
 * The last thing the gateway learned about each region: up or down, how fast, when.
 *
 * Fed from two sides — what the region data sources reported for real queries
 * (`RegionOutcome`s, via the report plugin) and the health probes of /readyz and the
 * `regions` root field — so an operator sees a region go down as soon as one query
 * notices, not only at the next probe.
 */
import type { RegionOutcome, RegionStatus } from '../context.ts';

export type RegionState = 'up' | 'down' | 'unknown';

export interface RegionHealth {
  state: RegionState;
  /** Latency of the observation, in milliseconds (null when never observed). */
  latencyMs: number | null;
  /** ISO time of the observation (null when never observed). */
  checkedAt: string | null;
  /** Why the region is down, or what answered. */
  detail: string;
}

const UNKNOWN: RegionHealth = { state: 'unknown', latencyMs: null, checkedAt: null, detail: 'not asked yet' };

/** How a data-source outcome bears on the region's health; `skipped` says nothing about it. */
const STATE_OF: Record<RegionStatus, RegionState | null> = {
  hit: 'up',
  miss: 'up',
  cached: null,
  skipped: null,
  error: 'down',
  timeout: 'down',
  'circuit-open': 'down',
};

/** A region's open and overdue assistance requests, as its last healthy probe counted them. */
export interface AssistanceCounts {
  open: number;
  overdue: number;
}

export class RegionStatusBoard {
  private readonly health = new Map<string, RegionHealth>();
  /** Only probes carry counts; kept apart so a query outcome (which has none) does not erase them. */
  private readonly assistance = new Map<string, AssistanceCounts>();

  get(code: string): RegionHealth {
    return this.health.get(code) ?? UNKNOWN;
  }

  set(code: string, health: RegionHealth): void {
    this.health.set(code, health);
  }

  /** Null when the region has no write side, or its last probe found it down or did not count. */
  assistanceOf(code: string): AssistanceCounts | null {
    return this.assistance.get(code) ?? null;
  }

  setAssistance(code: string, counts: AssistanceCounts | null): void {
    if (counts) this.assistance.set(code, counts);
    else this.assistance.delete(code);
  }

  observe(outcome: RegionOutcome, at = new Date()): void {
    const state = STATE_OF[outcome.status];
    if (state === null) return;
    this.set(outcome.region, {
      state,
      latencyMs: Math.round(outcome.latencyMs),
      checkedAt: at.toISOString(),
      detail: outcome.message ?? `${outcome.subgraph}: ${outcome.status}`,
    });
  }

  /** Regions removed from the registry must not linger in /readyz. */
  retain(codes: readonly string[]): void {
    for (const code of [...this.health.keys()]) if (!codes.includes(code)) this.health.delete(code);
    for (const code of [...this.assistance.keys()]) if (!codes.includes(code)) this.assistance.delete(code);
  }
}
