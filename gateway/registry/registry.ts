/**
 * The region registry: the current list of regions and their endpoints, reloadable
 * while the gateway runs, plus each region's last known health.
 *
 * Consumers hold the registry, not a copy of the list: after a reload, the next fetch
 * sees the new regions. `onChange` lets those that derive state from the list (data
 * sources with per-region breakers, metrics) rebuild it.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { readJsonFile } from '../config/json-file.ts';
import { RegionProber } from './probe.ts';
import { validateRegionsFile, type ContractPart, type Region } from './regions-file.ts';
import { RegionStatusBoard, type AssistanceCounts, type RegionHealth } from './status.ts';
import type { ContractCheck } from './contract-check.ts';
import type { RegionOutcome } from '../context.ts';

export type RegionsListener = (regions: readonly Region[]) => void;
/** A region listed in the file but kept out of service because it failed the contract check. */
export interface RefusedRegion {
  code: string;
  name: string;
  url: string;
  state: 'refused';
  /** Names the differing types and fields (or why the served SDL could not be fetched). */
  detail: string;
  checkedAt: string;
}

export type ReloadResult = { ok: true; changed: boolean; refused?: RefusedRegion[] } | { ok: false; error: Error };

/** One region's endpoint for one part of the contract. */
export interface RegionEndpoint {
  region: Region;
  url: string;
}

export interface RegionView extends RegionHealth {
  code: string;
  name: string;
  url: string;
}

export function loadRegions(file: string): Region[] {
  const { raw, at } = readJsonFile(file);
  return validateRegionsFile(raw, at);
}

export class RegionRegistry {
  private current: readonly Region[];
  private readonly listeners = new Set<RegionsListener>();
  private readonly board = new RegionStatusBoard();
  private readonly prober: RegionProber;
  /** Hot registration: set by `admitWith`; regions new to the registry must pass it first. */
  private admission: ContractCheck | null = null;
  private readonly refused = new Map<string, RefusedRegion>();
  /**
   * The list each in-flight request started with (see `pin`), keyed by its context
   * object: a reload mid-query does not change its regions. A WeakMap rather than
   * AsyncLocalStorage, which would put a hook on every promise of every request.
   */
  private readonly pinned = new WeakMap<object, readonly Region[]>();
  /** Reloads run one after another, so two quick edits cannot interleave their checks. */
  private reloading: Promise<ReloadResult> = Promise.resolve({ ok: true, changed: false });

  /** `file` is null for registries built in memory (tests, embedding): nothing to reload. */
  constructor(
    regions: readonly Region[],
    private readonly file: string | null = null,
  ) {
    this.current = regions;
    this.prober = new RegionProber(() => this.current, this.board);
  }

  static load(file: string): RegionRegistry {
    return new RegionRegistry(loadRegions(file), file);
  }

  /** The regions in service: the list `request` (its context) was pinned to, else the latest. */
  regions(request?: unknown): readonly Region[] {
    return (typeof request === 'object' && request !== null ? this.pinned.get(request) : undefined) ?? this.current;
  }

  region(code: string): Region | undefined {
    return this.regions().find((r) => r.code === code);
  }

  /** Every region's endpoint for one contract part, in registry order (the stable merge order). */
  endpoints(part: ContractPart): RegionEndpoint[] {
    return this.regions().map((region) => ({ region, url: region.endpoints[part] }));
  }

  /**
   * Pins today's region list to one request (its context object): every fetch of its
   * plan sees the same regions, even when a reload lands while it runs (the next
   * request sees the new list). The pin goes when the context is collected.
   */
  pin(request: object): void {
    this.pinned.set(request, this.current);
  }

  onChange(listener: RegionsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Re-reads the file. A bad file keeps the current regions (a typo must not take every
   * region offline) and returns the error for the caller to log.
   */
  reload(): ReloadResult {
    if (!this.file) return { ok: true, changed: false };
    let next: Region[];
    try {
      next = loadRegions(this.file);
    } catch (error) {
      return { ok: false, error: error as Error };
    }
    if (JSON.stringify(next) === JSON.stringify(this.current)) return { ok: true, changed: false };
    this.replace(next);
    return { ok: true, changed: true };
  }

  replace(next: readonly Region[]): void {
    this.current = next;
    this.board.retain(next.map((r) => r.code));
    for (const listener of this.listeners) listener(next);
  }

  /** Reloads whenever the file changes; returns the function that stops watching. */
  watch(onResult: (result: ReloadResult) => void = () => {}): () => void {
    if (!this.file) return () => {};
    const name = basename(this.file);
    let timer: NodeJS.Timeout | undefined;
    // The directory, not the file: editors and deploy tools replace files by renaming,
    // which a watch on the old file would miss. Writes come in bursts; let them settle.
    const watcher: FSWatcher = watch(dirname(this.file), (_event, changed) => {
      if (changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!this.admission) onResult(this.reload());
        else void this.reloadAdmitted().then(onResult);
      }, 100);
    });
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  }

  /**
   * Turns on the contract check for regions registered while the gateway runs: a region
   * that is new (or has a new URL) is put in service only once `check` accepts it. The
   * regions present at start are not checked (they may still be starting; the supergraph
   * is composed from the contract either way).
   */
  admitWith(check: ContractCheck): void {
    this.admission = check;
  }

  /** Regions of the file kept out of service by the contract check, with the reason. */
  refusedRegions(): RefusedRegion[] {
    return [...this.refused.values()];
  }

  /**
   * `reload()` plus the contract check of new regions. In-flight queries are unaffected:
   * the new list replaces the old one in a single assignment once every check is done.
   */
  reloadAdmitted(): Promise<ReloadResult> {
    this.reloading = this.reloading.then(() => this.admitFromFile());
    return this.reloading;
  }

  private async admitFromFile(): Promise<ReloadResult> {
    if (!this.file) return { ok: true, changed: false };
    let listed: Region[];
    try {
      listed = loadRegions(this.file);
    } catch (error) {
      return { ok: false, error: error as Error };
    }
    const inService = new Map(this.current.map((r) => [r.code, r.url]));
    const candidates = listed.filter((r) => inService.get(r.code) !== r.url);
    const verdicts = await Promise.all(candidates.map(async (r) => [r.code, await this.admission!(r)] as const));
    this.refused.clear();
    const checkedAt = new Date().toISOString();
    for (const [code, verdict] of verdicts) {
      if (verdict.ok) continue;
      const region = listed.find((r) => r.code === code)!;
      this.refused.set(code, { code, name: region.name, url: region.url, state: 'refused', detail: verdict.reason, checkedAt });
    }
    // A refused new region stays out; a refused new URL of a region in service keeps the old entry.
    const next = listed.flatMap((r) => (this.refused.has(r.code) ? this.current.filter((c) => c.code === r.code) : [r]));
    const refused = this.refusedRegions();
    if (JSON.stringify(next) === JSON.stringify(this.current)) return { ok: true, changed: false, refused };
    this.replace(next);
    return { ok: true, changed: true, refused };
  }

  /** Records what a data source saw a region do for a real query. */
  observe(outcome: RegionOutcome): void {
    if (this.region(outcome.region)) this.board.observe(outcome);
  }

  /**
   * Each region's open and overdue assistance requests, as the regions count them in
   * their own systems (probed now, or within the prober's second); regions that did not
   * count (down, no write side) are left out.
   */
  async assistanceCounts(): Promise<Array<{ region: string } & AssistanceCounts>> {
    await this.prober.probeAll();
    return this.current.flatMap((r) => {
      const counts = this.board.assistanceOf(r.code);
      return counts ? [{ region: r.code, ...counts }] : [];
    });
  }

  /** Each region with its last known health; `fresh` probes the regions first. */
  async view(options: { fresh: boolean }): Promise<RegionView[]> {
    if (options.fresh) await this.prober.probeAll();
    return this.current.map((r) => ({ code: r.code, name: r.name, url: r.url, ...this.board.get(r.code) }));
  }
}
