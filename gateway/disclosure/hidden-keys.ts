/**
 * The operation the gateway executes so that every data subject in its answer carries
 * its key: each selection on a subject type (Person, PersonRecord, Case, Vehicle,
 * VehicleRecord, WantedNotice, VehicleAlert — audit/subjects.ts SUBJECT_FIELDS) gets a
 * hidden, aliased selection of that type's key fields, e.g.
 *
 *   records { name birthDate }  →  records { name birthDate _liandongKey_PersonRecord_idNumber: idNumber … }
 *
 * A client that reads a person's records without selecting `idNumber` still receives
 * that person's data; with the hidden keys the answer names the person anyway, and
 * take-disclosed.ts collects and removes them before anything else sees the answer.
 * Because the keys ride inside the answer, they follow aliases, fragments, abstract
 * types, nested links, @include/@skip and null-bubbling exactly as the client's own
 * fields do, and the response cache keeps them with the answer it stores.
 *
 * Key fields carry only their type's own authorisation (the contract puts scopes on the
 * types), so a selection the caller may make on a type may also carry its keys.
 *
 * Worked out once per distinct (schema, document): Apollo Server and the authoriser hand
 * the same document object to every request with the same (filtered) operation.
 */
import { createHash } from 'node:crypto';
import {
  isAbstractType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { SUBJECT_FIELDS, type SubjectKind } from '../../common/audit/subjects.ts';
import { OperationMemo } from '../../common/operations/memo.ts';

/** The operation with its hidden keys, and how to read them back. */
export interface HiddenKeys {
  /** The document to execute. */
  document: DocumentNode;
  /** Response key of each hidden selection → the kind of subject its value names. */
  aliases: ReadonlyMap<string, SubjectKind>;
}

/** Aliases start with this, or with it and a number when the client's operation already uses names that do. */
export const HIDDEN_KEY_PREFIX = '_liandongKey';

const memo = new OperationMemo<HiddenKeys>(1);

export function hiddenKeys(schema: GraphQLSchema, document: DocumentNode): HiddenKeys {
  return memo.get(schema, document, '', () => addHiddenKeys(schema, document));
}

/**
 * The plan-cache key of the document with hidden keys. @apollo/gateway keys its query
 * plans on the query hash: the executed operation differs from the one the hash was
 * made for, so it gets a key of its own (derived, so no printing per request).
 */
export function hiddenKeysQueryHash(queryHash: string): string {
  return createHash('sha256').update('liandong-hidden-keys\u0000').update(queryHash).digest('hex');
}

function addHiddenKeys(schema: GraphQLSchema, document: DocumentNode): HiddenKeys {
  const prefix = freePrefix(document);
  const aliases = new Map<string, SubjectKind>();
  /** The hidden selections of one object type, made once per type. */
  const selectionsFor = new Map<string, FieldNode[]>();
  const keysOf = (typeName: string): FieldNode[] => {
    let fields = selectionsFor.get(typeName);
    if (!fields) {
      const type = schema.getType(typeName);
      const rules = SUBJECT_FIELDS[typeName] ?? {};
      fields = isObjectType(type)
        ? Object.entries(rules)
            .filter(([name]) => type.getFields()[name])
            .map(([name, kind]) => {
              const alias = `${prefix}_${typeName}_${name}`;
              aliases.set(alias, kind);
              return aliased(alias, name);
            })
        : [];
      selectionsFor.set(typeName, fields);
    }
    return fields;
  };
  const typeInfo = new TypeInfo(schema);
  const augmented = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet: {
        leave(node) {
          const parent = typeInfo.getParentType();
          if (!parent) return undefined;
          const added: SelectionNode[] = isAbstractType(parent)
            ? schema
                .getPossibleTypes(parent)
                .filter((t) => keysOf(t.name).length > 0)
                .map((t) => onType(t.name, keysOf(t.name)))
            : keysOf(parent.name);
          return added.length > 0 ? withSelections(node, added) : undefined;
        },
      },
    }),
  );
  return { document: augmented, aliases };
}

/**
 * A prefix no response key of the client's operation starts with: a client alias of
 * the same name (`_liandongKey_Person_idNumber: name`) could otherwise put any value
 * where a key is read, or hide one.
 */
function freePrefix(document: DocumentNode): string {
  const names: string[] = [];
  visit(document, {
    Field: (f) => {
      names.push(f.alias?.value ?? f.name.value);
    },
  });
  for (let n = 0; ; n++) {
    const prefix = n === 0 ? HIDDEN_KEY_PREFIX : `${HIDDEN_KEY_PREFIX}${n}`;
    if (!names.some((name) => name.startsWith(prefix))) return prefix;
  }
}

function withSelections(node: SelectionSetNode, added: readonly SelectionNode[]): SelectionSetNode {
  return { ...node, selections: [...node.selections, ...added] };
}

function aliased(alias: string, name: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: name } };
}

function onType(typeName: string, fields: readonly FieldNode[]): InlineFragmentNode {
  return {
    kind: Kind.INLINE_FRAGMENT,
    typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: typeName } },
    selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
  };
}
