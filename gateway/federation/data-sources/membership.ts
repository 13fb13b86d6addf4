/**
 * Membership filters in the fan-out: a keyed lookup in the index part (`person(idNumber:)`,
 * `vehicle(plate:)`, and `_entities` of `Person` / `Vehicle`) goes only to the regions
 * whose filter may hold the key. The filters themselves — fetched, verified, kept current
 * and judged trustworthy or not — are the gateway's `filters/` concern; this module only
 * asks it, per region and key, and records what it skipped.
 *
 * Never a missed record: a region is left out only when its filter is trusted and says
 * "surely not" for every key of the fetch. Anything else — no filter, a stale one, a key
 * that does not normalise, a representation without a key — asks the region as before.
 */
import type { FieldNode } from 'graphql';
import type { KeyKind } from '../../../common/filters/key-filter.ts';
import { normaliseIdNumber, normalisePlate } from '../../../common/normalise/index.ts';
import type { RegionOutcome } from '../../context.ts';
import { argumentValue } from './operation.ts';
import type { RegionEntry } from './types.ts';

export type { KeyKind };

export interface MembershipKey {
  kind: KeyKind;
  key: string;
}

/** What the data sources need from the gateway's filters (gateway/filters/). */
export interface RegionMembership {
  /** False only when the region's filter is trusted right now and does not hold the key. */
  mayHold(region: string, kind: KeyKind, key: string): boolean;
  /** Whether the region's filter is trusted right now (a "maybe" from it is a claim worth checking). */
  trusted(region: string): boolean;
  /** The fetch left these regions out by filter. */
  skipped(regions: readonly string[]): void;
  /** Regions asked because their trusted filter said "maybe" that then held nothing. */
  falsePositives(regions: readonly string[]): void;
}

/** Why a region was not asked: its `skipped` outcome's message in extensions.regions and the audit. */
export const NOT_IN_MEMBERSHIP_FILTER = 'membership filter: the region does not hold the key';

export interface Narrowed {
  regions: readonly RegionEntry[];
  skipped: Map<string, string>;
  /** Regions asked on their trusted filter's word: a miss from one of them is a false positive. */
  vouched: string[];
}

const ROOT_KEYS: Readonly<Record<string, { argument: string; kind: KeyKind }>> = {
  person: { argument: 'idNumber', kind: 'idNumber' },
  vehicle: { argument: 'plate', kind: 'plate' },
};

const ENTITY_KEYS: Readonly<Record<string, { field: string; kind: KeyKind }>> = {
  Person: { field: 'idNumber', kind: 'idNumber' },
  Vehicle: { field: 'plate', kind: 'plate' },
};

function normalised(kind: KeyKind, value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    return kind === 'idNumber' ? normaliseIdNumber(value) : normalisePlate(value);
  } catch {
    return null;
  }
}

/** The key of a keyed root lookup (`person(idNumber:)`, `vehicle(plate:)`), or null for any other field. */
export function rootKey(field: FieldNode, variables: Record<string, unknown>): MembershipKey | null {
  const spec = ROOT_KEYS[field.name.value];
  if (!spec) return null;
  const key = normalised(spec.kind, argumentValue(field, spec.argument, variables));
  return key === null ? null : { kind: spec.kind, key };
}

/** The keys of an `_entities` fetch, or null when one representation is not a keyed Person / Vehicle. */
export function entityKeys(representations: readonly unknown[]): MembershipKey[] | null {
  const keys: MembershipKey[] = [];
  for (const representation of representations) {
    const r = representation as Record<string, unknown> | null;
    const spec = r ? ENTITY_KEYS[String(r.__typename)] : undefined;
    const key = spec ? normalised(spec.kind, r![spec.field]) : null;
    if (!spec || key === null) return null;
    keys.push({ kind: spec.kind, key });
  }
  return keys;
}

/**
 * The regions that may hold any of `keys`. `keepOne`: an `_entities` fetch must get an
 * answer of the right shape even when no region holds the key (each region answers the
 * key with empty lists), so the first region is asked then — not counted as vouched.
 */
export function narrowByMembership(
  membership: RegionMembership | null | undefined,
  keys: readonly MembershipKey[] | null,
  regions: readonly RegionEntry[],
  keepOne: boolean,
): Narrowed | null {
  if (!membership || !keys || keys.length === 0) return null;
  const asked: RegionEntry[] = [];
  const vouched: string[] = [];
  const skipped = new Map<string, string>();
  for (const region of regions) {
    if (!membership.trusted(region.code)) asked.push(region);
    else if (keys.some(({ kind, key }) => membership.mayHold(region.code, kind, key))) {
      asked.push(region);
      vouched.push(region.code);
    } else skipped.set(region.code, NOT_IN_MEMBERSHIP_FILTER);
  }
  if (asked.length === 0 && keepOne && regions.length > 0) {
    asked.push(regions[0]);
    skipped.delete(regions[0].code);
  }
  if (skipped.size > 0) membership.skipped([...skipped.keys()]);
  return { regions: asked, skipped, vouched };
}

/** After the fetch: the vouched regions whose outcome was a miss were the filter's false positives. */
export function noteFalsePositives(membership: RegionMembership, vouched: readonly string[], outcomes: readonly RegionOutcome[]): void {
  if (vouched.length === 0) return;
  const missed = outcomes.filter((o) => o.status === 'miss' && vouched.includes(o.region)).map((o) => o.region);
  if (missed.length > 0) membership.falsePositives(missed);
}
