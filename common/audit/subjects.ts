/**
 * Whose data a response contained: person identity numbers, case ids, plates and
 * regional record ids.
 *
 * Found by walking the operation's selections alongside the response data with the
 * schema's types — never by field name in the JSON — so aliases (`a: idNumber`),
 * fragments and nested joins (a case's parties' persons) are all caught. Keys are also
 * taken from a lookup's arguments when it returned something (`person(idNumber: …)`,
 * federation `_entities(representations: …)`), because a response may hold a person's
 * data without selecting the key itself.
 *
 * This walk sees only the keys a response carries. The gateway does better: its
 * disclosure layer (gateway/disclosure/) makes every answer carry the keys of every
 * subject in it, so a person whose records' names were shown is found though no key was
 * selected; the walk here serves the regions' disclosure log (whose answers to the
 * gateway carry the keys it asks for) and servers without that layer. The kinds, the
 * fields that name them and their normalisation are shared by both.
 */
import {
  getDirectiveValues,
  getNamedType,
  getNullableType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLInterfaceType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { normaliseIdNumber, normalisePlate } from '../normalise/index.ts';
import { understand } from '../operations/understood.ts';

export interface Subjects {
  persons: string[];
  cases: string[];
  plates: string[];
  records: string[];
}

export type SubjectKind = keyof Subjects;

/** Which field of which type names a data subject. Types a schema lacks are simply never met. */
export const SUBJECT_FIELDS: Readonly<Record<string, Readonly<Record<string, SubjectKind>>>> = {
  Person: { idNumber: 'persons' },
  PersonRecord: { idNumber: 'persons', id: 'records' },
  Case: { id: 'cases' },
  Vehicle: { plate: 'plates' },
  VehicleRecord: { plate: 'plates', id: 'records' },
  WantedNotice: { id: 'records' },
  VehicleAlert: { id: 'records' },
};

const NORMALISE: Partial<Record<SubjectKind, (value: string) => string>> = {
  persons: (v) => normaliseIdNumber(v),
  plates: (v) => normalisePlate(v),
};

type CompositeType = GraphQLObjectType | GraphQLInterfaceType;

interface Walk {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  found: FoundSubjects;
}

export function emptySubjects(): Subjects {
  return { persons: [], cases: [], plates: [], records: [] };
}

/** Subjects as they are gathered: a set per kind, values normalised on the way in. */
export type FoundSubjects = Record<SubjectKind, Set<string>>;

export function newFoundSubjects(): FoundSubjects {
  return { persons: new Set(), cases: new Set(), plates: new Set(), records: new Set() };
}

/** Adds a key as a subject of `kind`; anything but a non-empty string (null, a missing key) names nobody. */
export function addSubject(found: FoundSubjects, kind: SubjectKind, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) return;
  // Keys in answers come normalised and repeat (a person and each of their records):
  // one already found needs no second normalisation.
  if (found[kind].has(value)) return;
  found[kind].add(normalised(kind, value));
}

/** The record's form: each kind sorted. */
export function sortedSubjects(found: FoundSubjects): Subjects {
  return {
    persons: [...found.persons].sort(),
    cases: [...found.cases].sort(),
    plates: [...found.plates].sort(),
    records: [...found.records].sort(),
  };
}

/**
 * `variables` are the request's own (raw): they are coerced here against the operation's
 * declarations, so declared defaults hold for `@include`/`@skip` and lookup arguments.
 * Throws VariablesError when they do not fit (execution would have refused them too).
 */
export function extractSubjects(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  data: unknown,
  variables: Readonly<Record<string, unknown>> = {},
): Subjects {
  const understood = understand(document, operationName);
  const { operation } = understood;
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root || !isRecord(data)) return emptySubjects();
  const walk: Walk = {
    schema,
    variables: understood.variables(schema, variables),
    fragments: understood.fragments,
    found: newFoundSubjects(),
  };
  for (const field of collectFields(walk, root, operation.selectionSet)) fromLookupArguments(walk, root, field, data);
  walkObject(walk, root, operation.selectionSet, data);
  return sortedSubjects(walk.found);
}

function walkValue(walk: Walk, type: GraphQLOutputType, selectionSet: SelectionSetNode, value: unknown): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (Array.isArray(value)) for (const item of value) walkValue(walk, nullable.ofType, selectionSet, item);
    return;
  }
  if (!isRecord(value)) return;
  const named = getNamedType(nullable);
  const concrete = isAbstractType(named)
    ? (typeByName(walk.schema, value.__typename) ?? (isInterfaceType(named) ? named : undefined))
    : named;
  if (concrete && (isObjectType(concrete) || isInterfaceType(concrete))) walkObject(walk, concrete, selectionSet, value);
}

function walkObject(walk: Walk, type: CompositeType, selectionSet: SelectionSetNode, value: Record<string, unknown>): void {
  const rules = SUBJECT_FIELDS[type.name] ?? {};
  for (const field of collectFields(walk, type, selectionSet)) {
    const key = field.alias?.value ?? field.name.value;
    const kind = rules[field.name.value];
    if (kind) record(walk, kind, value[key]);
    const definition = type.getFields()[field.name.value];
    if (definition && field.selectionSet) walkValue(walk, definition.type, field.selectionSet, value[key]);
  }
}

/** A root lookup that returned something discloses the key it was asked for. */
function fromLookupArguments(walk: Walk, root: GraphQLObjectType, field: FieldNode, data: Record<string, unknown>): void {
  const result = data[field.alias?.value ?? field.name.value];
  const definition = root.getFields()[field.name.value];
  if (result === null || result === undefined || !definition) return;
  const args = argumentValues(walk, field);
  if (field.name.value === '_entities') return fromRepresentations(walk, args.representations, result);
  const rules = SUBJECT_FIELDS[getNamedType(definition.type).name] ?? {};
  for (const [argument, kind] of Object.entries(rules)) record(walk, kind, args[argument]);
}

/** Federation entity fetch: representation i was answered by result i. */
function fromRepresentations(walk: Walk, representations: unknown, results: unknown): void {
  if (!Array.isArray(representations) || !Array.isArray(results)) return;
  representations.forEach((representation, i) => {
    if (!isRecord(representation) || results[i] === null || results[i] === undefined) return;
    const rules = SUBJECT_FIELDS[String(representation.__typename)] ?? {};
    for (const [key, kind] of Object.entries(rules)) record(walk, kind, representation[key]);
  });
}

function record(walk: Walk, kind: SubjectKind, value: unknown): void {
  addSubject(walk.found, kind, value);
}

/** Keys from arguments are as typed; store the normalised form so queries by key match. */
function normalised(kind: SubjectKind, value: string): string {
  try {
    return NORMALISE[kind]?.(value) ?? value;
  } catch {
    return value; // kept as typed: an auditor still sees what was asked
  }
}

/** Fields selected on `type`, expanding fragments whose condition applies and honouring @skip/@include. */
function collectFields(walk: Walk, type: CompositeType, selectionSet: SelectionSetNode, out: FieldNode[] = []): FieldNode[] {
  for (const selection of selectionSet.selections) {
    if (!included(walk, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      out.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (applies(walk, type, selection.typeCondition?.name.value)) collectFields(walk, type, selection.selectionSet, out);
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment && applies(walk, type, fragment.typeCondition.name.value)) collectFields(walk, type, fragment.selectionSet, out);
    }
  }
  return out;
}

function applies(walk: Walk, type: CompositeType, condition: string | undefined): boolean {
  if (!condition || condition === type.name) return true;
  const conditionType = walk.schema.getType(condition);
  return !!conditionType && isAbstractType(conditionType) && walk.schema.isSubType(conditionType, type as GraphQLObjectType);
}

function included(walk: Walk, node: Parameters<typeof getDirectiveValues>[1]): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, walk.variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, walk.variables)?.if !== false;
}

function argumentValues(walk: Walk, field: FieldNode): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const argument of field.arguments ?? []) values[argument.name.value] = literal(walk, argument.value);
  return values;
}

/** An argument's value with variables substituted (typeless: we only read strings and lists of objects). */
function literal(walk: Walk, node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return walk.variables[node.name.value];
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.LIST:
      return node.values.map((v) => literal(walk, v));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(walk, f.value)]));
    default:
      return undefined;
  }
}

function typeByName(schema: GraphQLSchema, name: unknown): GraphQLNamedType | undefined {
  return typeof name === 'string' ? (schema.getType(name) ?? undefined) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
