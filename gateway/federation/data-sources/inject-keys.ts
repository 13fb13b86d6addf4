/**
 * Adds `__typename` and the key fields to every selection of an entity type in a fetch.
 *
 * The planner asks a subgraph only for what the client (or the next fetch) needs; but
 * merging the regions' answers needs to know which list elements are the same entity.
 * The extra fields travel back in the data and the gateway ignores them when it shapes
 * the client's response (only selected fields are copied out).
 */
import {
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { EntityKeys } from '../merge/entity-key.ts';

export function injectEntityKeys(document: DocumentNode, schema: GraphQLSchema, keys: EntityKeys): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet: {
        leave(node) {
          const type = typeInfo.getParentType();
          const keyFields = type ? keys.get(type.name) : undefined;
          return keyFields ? withFields(node, ['__typename', ...keyFields]) : undefined;
        },
      },
    }),
  );
}

/** `node` plus a plain selection of each field not already selected under its own name. */
function withFields(node: SelectionSetNode, names: readonly string[]): SelectionSetNode {
  const taken = new Set(node.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD).map((f) => f.alias?.value ?? f.name.value));
  const missing = names.filter((name) => !taken.has(name));
  if (missing.length === 0) return node;
  return { ...node, selections: [...node.selections, ...missing.map((name) => field(name))] };
}

/** A field node, optionally aliased and with a sub-selection. */
export function field(name: string, alias?: string, selectionSet?: SelectionSetNode): FieldNode {
  return {
    kind: Kind.FIELD,
    name: { kind: Kind.NAME, value: name },
    ...(alias ? { alias: { kind: Kind.NAME, value: alias } } : {}),
    ...(selectionSet ? { selectionSet } : {}),
  };
}

export function selectionSet(...fields: FieldNode[]): SelectionSetNode {
  return { kind: Kind.SELECTION_SET, selections: fields };
}
