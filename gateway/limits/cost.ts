/**
 * Maximum computed cost: every field counts 1, multiplied by the sizes of the lists
 * above it. A list field's size is its `first`, `last` or `limit` argument (literal or
 * variable) when it has one, else `defaultListSize`. So `searchPersons(first: 100)
 * { edges { node { records { … } } } }` costs what it will make the regions do.
 * Needs the variables, so one rule is made per request.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { limitError, LIMIT_CODES, operationLabel } from './refusal.ts';
import { memoised, Selections } from './selections.ts';

const SIZE_ARGUMENTS = ['first', 'last', 'limit'];

export interface CostOptions {
  maxCost: number;
  defaultListSize: number;
}

export function costLimitRule(options: CostOptions, variables: Readonly<Record<string, unknown>> = {}): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const schema = context.getSchema();
      const root = schema.getRootType(operation.operation);
      if (!root) return;
      const found = operationCost(schema, new Selections(context.getDocument()), operation.selectionSet, root, options, variables);
      if (found > options.maxCost) {
        context.reportError(
          limitError(
            LIMIT_CODES.cost,
            `Operation ${operationLabel(operation)}costs ${found}; the limit is ${options.maxCost} (each field counts 1, times the sizes of the lists above it).`,
          ),
        );
      }
    },
  });
}

/**
 * Names of the variables passed as a size argument anywhere in the document: the only
 * variables a cost depends on (so a verdict can be kept per their values).
 */
export function sizeVariables(document: DocumentNode): readonly string[] {
  let names = sizeVariableNames.get(document);
  if (!names) {
    const found = new Set<string>();
    visit(document, {
      Argument(argument) {
        if (SIZE_ARGUMENTS.includes(argument.name.value) && argument.value.kind === Kind.VARIABLE) found.add(argument.value.name.value);
      },
    });
    sizeVariableNames.set(document, (names = [...found].sort()));
  }
  return names;
}

const sizeVariableNames = new WeakMap<DocumentNode, readonly string[]>();

function operationCost(
  schema: GraphQLSchema,
  selections: Selections,
  rootSet: SelectionSetNode,
  root: GraphQLCompositeType,
  options: CostOptions,
  variables: Readonly<Record<string, unknown>>,
): number {
  // Key: the parent type, and the page size a connection field passed down to its lists.
  const cost: (set: SelectionSetNode, key: string) => number = memoised<string>((set, key) => {
    const [typeName, passed] = key.split('|');
    return selections.fieldsOf(set).reduce((sum, { field, typeCondition }) => {
      const parent = schema.getType(typeCondition ?? typeName);
      const definition = parent && isCompositeType(parent) && 'getFields' in parent ? parent.getFields()[field.name.value] : undefined;
      if (!definition) return sum; // __typename, or invalid (validation reports it)
      const own = sizeArgument(field, definition, variables);
      const isList = isListType(getNullableType(definition.type));
      // Relay connections: `searchPersons(first: 100)` is not a list, its `edges` is.
      const size = isList ? (own ?? (passed ? Number(passed) : options.defaultListSize)) : 1;
      const toChildren = !isList && own !== undefined ? String(own) : '';
      const child = getNamedType(definition.type);
      const below = field.selectionSet && isCompositeType(child) ? cost(field.selectionSet, `${child.name}|${toChildren}`) : 0;
      return sum + size * (1 + below);
    }, 0);
  });
  return cost(rootSet, `${root.name}|`);
}

/** The size argument as sent, else its schema default; undefined when the field has none. */
function sizeArgument(
  field: FieldNode,
  definition: GraphQLField<unknown, unknown>,
  variables: Readonly<Record<string, unknown>>,
): number | undefined {
  const arg = field.arguments?.find((a) => SIZE_ARGUMENTS.includes(a.name.value));
  const sent = arg && numberOf(arg.value, variables);
  const schemaDefault = definition.args.find((a) => SIZE_ARGUMENTS.includes(a.name))?.defaultValue;
  const value = sent ?? (typeof schemaDefault === 'number' ? schemaDefault : undefined);
  return value !== undefined && value >= 0 ? value : undefined;
}

function numberOf(value: ValueNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}
