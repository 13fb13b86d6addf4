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
import { readJsonFile } from '../config/load.ts';
import { RegionProber } from './probe.ts';
import { validateRegionsFile, type ContractPart, type Region } from './regions-file.ts';
import { RegionStatusBoard, type RegionHealth } from './status.ts';
import type { RegionOutcome } from '../context.ts';

export type RegionsListener = (regions: readonly Region[]) => void;
export type ReloadResult = { ok: true; changed: boolean } | { ok: false; error: Error };

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

  /** `file` is null for registries built in memory (tests, embedding): nothing to reload. */
  constructor(regions: readonly Region[], private readonly file: string | null = null) {
    this.current = regions;
    this.prober = new RegionProber(() => this.current, this.board);
  }

  static load(file: string): RegionRegistry {
    return new RegionRegistry(loadRegions(file), file);
  }

  regions(): readonly Region[] {
    return this.current;
  }

  region(code: string): Region | undefined {
    return this.current.find((r) => r.code === code);
  }

  /** Every region's endpoint for one contract part, in registry order (the stable merge order). */
  endpoints(part: ContractPart): RegionEndpoint[] {
    return this.current.map((region) => ({ region, url: region.endpoints[part] }));
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
      timer = setTimeout(() => onResult(this.reload()), 100);
    });
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  }

  /** Records what a data source saw a region do for a real query. */
  observe(outcome: RegionOutcome): void {
    if (this.region(outcome.region)) this.board.observe(outcome);
  }

  /** Each region with its last known health; `fresh` probes the regions first. */
  async view(options: { fresh: boolean }): Promise<RegionView[]> {
    if (options.fresh) await this.prober.probeAll();
    return this.current.map((r) => ({ code: r.code, name: r.name, url: r.url, ...this.board.get(r.code) }));
  }
}
