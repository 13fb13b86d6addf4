/**
 * Cache keys and tags of one region's answer.
 *
 * A key names everything that can change the answer: the subgraph, the region, what is
 * looked up (entity type and key, or the root lookup's arguments), the fetch's
 * selection (query hash plus its other variables) and the caller's authorisation
 * partition — so two officers with different permissions never share an entry.
 */
import { createHash } from 'node:crypto';
import { valueFromASTUntyped, type FieldNode } from 'graphql';
import { normaliseIdNumber, normalisePlate } from '../../common/normalise/index.ts';
import type { CachedType } from './config.ts';
import { LOOKUPS } from './fetch-shape.ts';
import { idNumberTag, plateTag, recordTag, regionTag, splitLiandongId } from './tags.ts';

export interface KeyScope {
  subgraph: string;
  region: string;
  partition: string;
  queryHash: string;
  /** The fetch's variables other than `representations`. */
  variables: Record<string, unknown>;
}

/** What one cacheable item (an entity, or a whole lookup request) is keyed and tagged by. */
export interface ItemKey {
  key: string;
  /** Entity type(s) the item holds: for the metrics, and its TTL (the shortest of theirs). */
  types: string[];
  tags: string[];
}

export function entityKey(scope: KeyScope, representation: Record<string, unknown>): ItemKey | null {
  const type = representation?.__typename;
  if (typeof type !== 'string') return null;
  const tags = entityTags(scope.region, type, representation);
  if (!tags) return null;
  return { key: digest(['entity', scope, stable(representation)]), types: [type], tags: [regionTag(scope.region), ...tags] };
}

/** Root lookups (`person(idNumber:)`…) are cached as one item per region request. */
export function lookupKey(scope: KeyScope, fields: readonly FieldNode[]): ItemKey | null {
  const tags: string[] = [regionTag(scope.region)];
  const types: string[] = [];
  for (const field of fields) {
    const lookup = LOOKUPS[field.name.value];
    const argument = field.arguments?.find((a) => a.name.value === lookup.argument);
    const value = argument ? valueFromASTUntyped(argument.value, scope.variables) : undefined;
    const tag = typeof value === 'string' ? keyTag(lookup.type, value) : null;
    if (!tag) return null;
    tags.push(tag);
    types.push(lookup.type);
  }
  return { key: digest(['lookup', scope]), types, tags };
}

/** Tags of an entity representation: its record, or its global key. Null: not something we know how to evict. */
function entityTags(region: string, type: string, representation: Record<string, unknown>): string[] | null {
  if (type === 'Person') return typeof representation.idNumber === 'string' ? [idNumberTag(representation.idNumber)] : null;
  if (type === 'Vehicle') return typeof representation.plate === 'string' ? [plateTag(representation.plate)] : null;
  const id = splitLiandongId(representation.id);
  // A routed entity lives in its owner region only; an id naming another region is not ours to cache.
  return id && id.region === region ? [recordTag(region, type, id.localId)] : null;
}

/** The tag of a root lookup's key as the officer typed it; null when it does not normalise (the region refuses it). */
function keyTag(type: CachedType, typed: string): string | null {
  try {
    if (type === 'Person') return idNumberTag(normaliseIdNumber(typed));
    if (type === 'Vehicle') return plateTag(normalisePlate(typed));
  } catch {
    return null;
  }
  const id = splitLiandongId(typed);
  return id ? recordTag(id.region, type, id.localId) : null;
}

function digest(parts: unknown[]): string {
  return createHash('sha256').update(stable(parts)).digest('base64url');
}

/** JSON with object keys sorted, so equal values give equal keys whatever their key order. */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
