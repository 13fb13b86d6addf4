/**
 * Which elements of two regions' lists are "the same thing".
 *
 * Regions describe global entities (a person, a vehicle) independently; when two
 * regions list the same entity, the merged answer must hold it once. Identity is the
 * entity's type plus its federation key — never anything fuzzier (a name match is a
 * "possible match", not a merge).
 */

/** Typename → key field names (from the part's `@key` directives). */
export type EntityKeys = ReadonlyMap<string, readonly string[]>;

/** The key fields of the contract's entities, used when no schema-derived map is given. */
const CONTRACT_KEY_FIELDS = ['idNumber', 'plate', 'id'] as const;

/**
 * A string identifying the entity `value` describes, or null when it is not an
 * identifiable entity (no `__typename`, or its key fields are missing).
 */
export function entityIdentity(value: unknown, keys?: EntityKeys): string | null {
  if (!isPlainObject(value)) return null;
  const typename = value.__typename;
  if (typeof typename !== 'string') return null;
  const fields = keys?.get(typename) ?? firstPresent(value);
  if (!fields || fields.length === 0) return null;
  const parts: unknown[] = [];
  for (const field of fields) {
    const part = value[field];
    if (part === undefined || part === null) return null;
    parts.push(part);
  }
  return JSON.stringify([typename, ...parts]);
}

function firstPresent(value: Record<string, unknown>): string[] | undefined {
  const field = CONTRACT_KEY_FIELDS.find((name) => value[name] !== undefined && value[name] !== null);
  return field ? [field] : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
