/**
 * What the cache needs to know about one subgraph fetch, read once per query text:
 * whether it is an `_entities` fetch, a fetch of root lookups by key (`person(idNumber:)`,
 * `case(id:)` …) or something it does not cache (searches, anything else); whether it
 * touches wanted notices or vehicle alerts; and a hash of its selection.
 */
import { createHash } from 'node:crypto';
import { parse, visit, type FieldNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { understand } from '../../common/operations/understood.ts';
import type { CachedType } from './config.ts';

/** Types and fields whose answer says whether someone or something is wanted right now. */
const SENSITIVE_TYPES = new Set(['WantedNotice', 'VehicleAlert']);
const SENSITIVE_FIELDS = new Set(['wanted', 'alerted', 'wantedNotices', 'alerts']);

/** Root fields that look one entity up by its key, and the argument holding the key. */
export const LOOKUPS: Readonly<Record<string, { type: CachedType; argument: string }>> = {
  person: { type: 'Person', argument: 'idNumber' },
  vehicle: { type: 'Vehicle', argument: 'plate' },
  case: { type: 'Case', argument: 'id' },
  personRecord: { type: 'PersonRecord', argument: 'id' },
  vehicleRecord: { type: 'VehicleRecord', argument: 'id' },
};

export type FetchShape =
  | { kind: 'entities'; sensitive: boolean; queryHash: string }
  | { kind: 'lookups'; sensitive: boolean; queryHash: string; fields: readonly FieldNode[] }
  | { kind: 'other' };

const shapes = new LRUCache<string, FetchShape>({ max: 2000 });

export function fetchShape(query: string, operationName: string | undefined): FetchShape {
  const id = `${operationName ?? ''}\n${query}`;
  let shape = shapes.get(id);
  if (!shape) shapes.set(id, (shape = readShape(query, operationName, id)));
  return shape;
}

function readShape(query: string, operationName: string | undefined, id: string): FetchShape {
  let document;
  try {
    document = parse(query);
  } catch {
    return { kind: 'other' };
  }
  const understood = understand(document, operationName);
  if (understood.operation?.operation !== 'query') return { kind: 'other' };
  const fields = understood.rootFields.filter((f) => f.name.value !== '__typename');
  const queryHash = createHash('sha256').update(id).digest('base64url').slice(0, 22);
  const sensitive = touchesSensitive(document);
  if (fields.length === 1 && fields[0].name.value === '_entities') return { kind: 'entities', sensitive, queryHash };
  if (fields.length > 0 && fields.every((f) => LOOKUPS[f.name.value])) return { kind: 'lookups', sensitive, queryHash, fields };
  return { kind: 'other' };
}

function touchesSensitive(document: ReturnType<typeof parse>): boolean {
  let sensitive = false;
  visit(document, {
    Field(field) {
      if (SENSITIVE_FIELDS.has(field.name.value)) sensitive = true;
    },
    InlineFragment(fragment) {
      if (fragment.typeCondition && SENSITIVE_TYPES.has(fragment.typeCondition.name.value)) sensitive = true;
    },
    FragmentDefinition(fragment) {
      if (SENSITIVE_TYPES.has(fragment.typeCondition.name.value)) sensitive = true;
    },
  });
  return sensitive;
}
