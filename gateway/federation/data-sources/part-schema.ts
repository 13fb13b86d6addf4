/**
 * The schema of one contract part as a region serves it, with its entity keys.
 *
 * The data sources need it to add what merging requires to a fetch (`__typename` and
 * key fields of entities, so the same person from two regions is recognised; the
 * connection fields of a search) and to read argument defaults (`first: Int = 20`).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, type DocumentNode, type GraphQLSchema, type StringValueNode } from 'graphql';
import { contractTypeDefs } from '../compose.ts';
import type { EntityKeys } from '../merge/entity-key.ts';
import type { ContractPart } from './types.ts';

export interface PartSchema {
  schema: GraphQLSchema;
  keys: EntityKeys;
}

export function partSchema(typeDefs: DocumentNode): PartSchema {
  return { schema: buildSubgraphSchema({ typeDefs }), keys: entityKeys(typeDefs) };
}

const cache = new Map<ContractPart, PartSchema>();

/** The part as defined in schema/contract (shared.graphql prepended), built once. */
export function contractPartSchema(part: ContractPart): PartSchema {
  let built = cache.get(part);
  if (!built) cache.set(part, (built = partSchema(contractTypeDefs(part))));
  return built;
}

/** The fields of each type's first `@key` (compound keys of plain fields only). */
function entityKeys(typeDefs: DocumentNode): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const key = definition.directives?.find((d) => d.name.value === 'key');
    const fields = key?.arguments?.find((a) => a.name.value === 'fields')?.value as StringValueNode | undefined;
    if (!fields || keys.has(definition.name.value)) continue;
    // Nested keys (`a { b }`) do not occur in the contract; only plain field lists are used for identity.
    if (/[{}]/.test(fields.value)) continue;
    keys.set(definition.name.value, fields.value.trim().split(/[\s,]+/));
  }
  return keys;
}
