/**
 * Deep merge of the answers several regions gave to the same fetch.
 *
 * Rules (the fanned-out part of the contract relies on them):
 * - objects are merged field by field;
 * - lists are concatenated in the order the answers are merged (registry order), except
 *   that elements describing the same entity (same `__typename` + key) become one
 *   element, and lists of scalars (e.g. `Person.regions`) are unioned;
 * - `null` (or absent) + value = value;
 * - equal scalars are kept; when two regions disagree the first region's value is kept
 *   and the disagreement is reported as a conflict, so an analyst can see it rather
 *   than have one region silently win.
 *
 * Merging is done in place on the (freshly parsed) answers to avoid copying large trees.
 */
import type { MergeConflict } from '../../context.ts';
import { entityIdentity, isPlainObject, type EntityKeys } from './entity-key.ts';

export type ResponsePath = (string | number)[];

/** One region's value at the same place of the same fetch. */
export interface RegionValue {
  region: string;
  value: unknown;
}

export interface MergeResult {
  value: unknown;
  conflicts: MergeConflict[];
}

/** Merges the values in the given (stable) region order. */
export function mergeRegionValues(values: readonly RegionValue[], options: MergeOptions = {}): MergeResult {
  const merger = new RegionMerger(options);
  const value = merger.mergeAll(values, []);
  return { value, conflicts: merger.conflicts() };
}

/** How to combine two regions' values of one field instead of keeping the first (`Type.field` → rule). */
export type MergeRules = ReadonlyMap<string, (kept: unknown, incoming: unknown) => unknown>;

export interface MergeOptions {
  /**
   * Fields whose regions' values combine rather than conflict, e.g. `Person.wanted`
   * ("true when any region has a notice in force"): keeping the first region's `false`
   * would hide another region's notice.
   */
  rules?: MergeRules;
  /** Entity keys by typename; without it the contract's key names are tried (`idNumber`, `plate`, `id`). */
  keys?: EntityKeys;
  /** Prefix of every conflict path (where the fetch sits in the client's response). */
  basePath?: ResponsePath;
}

/**
 * Holds the state of one merge: which region each adopted value came from (so a
 * conflict names the region whose value was kept) and the conflicts found so far.
 */
export class RegionMerger {
  private readonly origins = new WeakMap<object, Map<string | number, string>>();
  private readonly found = new Map<string, MergeConflict>();
  private readonly keys?: EntityKeys;
  private readonly rules?: MergeRules;
  private readonly basePath: ResponsePath;

  constructor(options: MergeOptions = {}) {
    this.keys = options.keys;
    this.rules = options.rules;
    this.basePath = options.basePath ?? [];
  }

  /** Folds the values left to right; the first region with a value is the base. */
  mergeAll(values: readonly RegionValue[], path: ResponsePath): unknown {
    let merged: unknown;
    let mergedRegion = '';
    for (const { region, value } of values) {
      if (merged === undefined || merged === null) {
        if (value !== undefined) {
          merged = value;
          mergedRegion = region;
        }
        continue;
      }
      merged = this.mergeValue(merged, mergedRegion, value, region, path);
    }
    return merged;
  }

  conflicts(): MergeConflict[] {
    return [...this.found.values()];
  }

  private mergeValue(current: unknown, currentRegion: string, incoming: unknown, region: string, path: ResponsePath): unknown {
    if (incoming === undefined || incoming === null) return current === undefined ? incoming : current;
    if (current === undefined || current === null) return incoming;
    if (Array.isArray(current) && Array.isArray(incoming)) return this.mergeLists(current, currentRegion, incoming, region, path);
    if (isPlainObject(current) && isPlainObject(incoming)) return this.mergeObjects(current, currentRegion, incoming, region, path);
    if (!sameValue(current, incoming)) this.conflict(path, currentRegion, current, region, incoming);
    return current;
  }

  private mergeObjects(
    current: Record<string, unknown>,
    currentRegion: string,
    incoming: Record<string, unknown>,
    region: string,
    path: ResponsePath,
  ): Record<string, unknown> {
    const typename = typeof current.__typename === 'string' ? current.__typename : null;
    for (const key of Object.keys(incoming)) {
      const rule = typename === null ? undefined : this.rules?.get(`${typename}.${key}`);
      if (rule && isPresentScalar(current[key]) && isPresentScalar(incoming[key])) current[key] = rule(current[key], incoming[key]);
      else this.mergeSlot(current, key, currentRegion, incoming[key], region, [...path, key]);
    }
    return current;
  }

  private mergeLists(current: unknown[], currentRegion: string, incoming: unknown[], region: string, path: ResponsePath): unknown[] {
    if (current.every(isScalar) && incoming.every(isScalar)) return this.unionScalars(current, incoming, region);
    const positions = new Map<string, number>();
    current.forEach((item, i) => {
      const id = entityIdentity(item, this.keys);
      if (id !== null && !positions.has(id)) positions.set(id, i);
    });
    for (const item of incoming) {
      const id = entityIdentity(item, this.keys);
      const at = id === null ? undefined : positions.get(id);
      if (at !== undefined) {
        this.mergeSlot(current as unknown as Record<number, unknown>, at, currentRegion, item, region, [...path, at]);
        continue;
      }
      current.push(item);
      this.setOrigin(current, current.length - 1, region);
      if (id !== null) positions.set(id, current.length - 1);
    }
    return current;
  }

  private unionScalars(current: unknown[], incoming: unknown[], region: string): unknown[] {
    for (const item of incoming) {
      if (current.some((existing) => sameValue(existing, item))) continue;
      current.push(item);
      this.setOrigin(current, current.length - 1, region);
    }
    return current;
  }

  /** Merges one field / element, remembering the region of a value adopted into an empty slot. */
  private mergeSlot(
    container: Record<string | number, unknown>,
    key: string | number,
    containerRegion: string,
    incoming: unknown,
    region: string,
    path: ResponsePath,
  ): void {
    const before = container[key];
    const slotRegion = this.origins.get(container)?.get(key) ?? containerRegion;
    const after = this.mergeValue(before, slotRegion, incoming, region, path);
    if (after === before) return;
    container[key] = after;
    if (after !== undefined && after !== null) this.setOrigin(container, key, region);
  }

  private setOrigin(container: object, key: string | number, region: string): void {
    let byKey = this.origins.get(container);
    if (!byKey) this.origins.set(container, (byKey = new Map()));
    byKey.set(key, region);
  }

  private conflict(path: ResponsePath, keptRegion: string, kept: unknown, region: string, other: unknown): void {
    const fullPath = [...this.basePath, ...path];
    const id = JSON.stringify(fullPath);
    const existing = this.found.get(id);
    if (existing) {
      if (!(region in existing.values)) existing.values[region] = other;
      return;
    }
    this.found.set(id, { path: fullPath, values: { [keptRegion]: kept, [region]: other } });
  }
}

function isPresentScalar(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== 'object';
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** Scalars compare by value; JSON-valued custom scalars compare by their serialisation. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
