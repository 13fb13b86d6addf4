/**
 * The per-operation result shaper: turns the data the fetches merged (with the keys,
 * `__typename`s and fields the plan added) into the response the operation asked for.
 *
 * It gives what @apollo/gateway's computeResponse gives — same keys in the same order,
 * aliases, fragments and type conditions decided on `__typename`, @skip/@include from
 * the variables, null bubbling to the nearest nullable field with Apollo's error message
 * and path — but the operation is compiled once (per plan, so per operation and schema)
 * into a tree of plain records, where Apollo re-walks its federation-internals operation
 * (directive lookups, schema lookups, subtype tests) on every request.
 *
 * What the compiled tree does not reproduce itself (a leaf value of the wrong kind, an
 * unknown `__typename`, a list where an object was expected, a non-boolean @skip
 * variable) throws `Unshapeable`; the caller then shapes that response with Apollo's own
 * computeResponse over the same data, so the answer stays exactly Apollo's.
 */
import {
  GraphQLError,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type ValueNode,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  valueFromASTUntyped,
  getNamedType,
  print,
} from 'graphql';

/** The compiled path cannot shape this response exactly; Apollo's shaper takes it. */
export class Unshapeable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Unshapeable';
  }
}

/** The operation cannot be compiled (introspection …): the whole operation goes to Apollo's executor. */
export class NotCompilable extends Error {
  /** The metric's reason label: a small fixed set, never a field name. */
  readonly label: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'NotCompilable';
    this.label = reason.startsWith('introspection') ? 'introspection' : 'not compiled';
  }
}

type Obj = Record<string, unknown>;

/** @skip / @include: a constant, or a variable read per request. */
type Condition = { kind: 'skip' | 'include'; value: boolean | null; variable: string | null };

interface FieldPlan {
  kind: 'field';
  responseName: string;
  conditions: Condition[] | null;
  /** `__typename` (aliased or not): answered from the data's type name, never validated as a leaf. */
  typename: boolean;
  type: TypePlan;
  /** The field's own selections (null for a leaf). */
  selections: SelectionPlan[] | null;
}

interface FragmentPlan {
  kind: 'fragment';
  conditions: Condition[] | null;
  /** null: no type condition, always applies. */
  typeCondition: GraphQLCompositeType | null;
  /** Whether the condition holds for a type name: computed once per name seen. */
  appliesTo: Map<string, boolean>;
  selections: SelectionPlan[];
}

type SelectionPlan = FieldPlan | FragmentPlan;

type TypePlan =
  | { kind: 'nonNull'; of: TypePlan /** `String(ofType)`, for the error message. */; display: string }
  | { kind: 'list'; of: TypePlan; display: string }
  | { kind: 'composite'; type: GraphQLCompositeType; display: string }
  | { kind: 'leaf'; valid: (value: unknown) => boolean; display: string };

export interface ShapedResponse {
  data: Obj | null;
  /** Value-completion errors (a null where the schema promises a value), Apollo's wording. */
  errors: GraphQLError[];
}

export interface Shaper {
  shape(input: Obj, variables: Obj | undefined): ShapedResponse;
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const hasOwn = Object.prototype.hasOwnProperty;

/** Compiles the operation (as Apollo Server validated it) against the API schema. */
export function compileShaper(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): Shaper {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) throw new NotCompilable(`the schema has no ${operation.operation} root type`);
  const leafChecks = new Map<string, (value: unknown) => boolean>();
  const compileSet = (set: readonly SelectionNode[], parent: GraphQLCompositeType): SelectionPlan[] =>
    mergeByKey(set).map(({ selection, children }): SelectionPlan => {
      if (selection.kind === 'Field') {
        const name = selection.name.value;
        if (INTROSPECTION_FIELDS.has(name)) throw new NotCompilable(`introspection field ${name}`);
        const responseName = selection.alias?.value ?? name;
        const conditions = compileConditions(selection.directives);
        if (name === '__typename') {
          return { kind: 'field', responseName, conditions, typename: true, type: leafPlan('String'), selections: null };
        }
        if (isUnionType(parent)) throw new NotCompilable(`field ${name} selected on union ${parent.name}`);
        const definition = (parent as { getFields(): Record<string, { type: GraphQLOutputType }> }).getFields()[name];
        if (!definition) throw new NotCompilable(`no field ${parent.name}.${name} in the API schema`);
        const named = getNamedType(definition.type);
        const selections = selection.selectionSet && isCompositeType(named) ? compileSet(children, named) : null;
        return { kind: 'field', responseName, conditions, typename: false, type: typePlan(definition.type), selections };
      }
      const conditions = compileConditions(selection.directives);
      let typeConditionName: string | undefined;
      let selectionSet: readonly SelectionNode[];
      if (selection.kind === 'FragmentSpread') {
        const fragment = fragments[selection.name.value];
        if (!fragment) throw new NotCompilable(`unknown fragment ${selection.name.value}`);
        typeConditionName = fragment.typeCondition.name.value;
        // The same spread twice is one selection (same key); its fragment's selections once.
        selectionSet = fragment.selectionSet.selections;
      } else {
        typeConditionName = selection.typeCondition?.name.value;
        selectionSet = children;
      }
      const typeCondition = typeConditionName ? schema.getType(typeConditionName) : null;
      if (typeConditionName && !isCompositeType(typeCondition)) throw new NotCompilable(`type condition ${typeConditionName}`);
      const selfType = (typeCondition as GraphQLCompositeType | null) ?? parent;
      return {
        kind: 'fragment',
        conditions,
        typeCondition: typeCondition as GraphQLCompositeType | null,
        appliesTo: new Map(),
        selections: compileSet(selectionSet, selfType),
      };
    });

  function typePlan(type: GraphQLOutputType): TypePlan {
    if (isNonNullType(type)) return { kind: 'nonNull', of: typePlan(type.ofType), display: String(type.ofType) };
    if (isListType(type)) return { kind: 'list', of: typePlan(type.ofType), display: String(type) };
    if (isCompositeType(type)) return { kind: 'composite', type, display: type.name };
    return leafPlan(type.name);
  }

  function leafPlan(name: string): TypePlan {
    let valid = leafChecks.get(name);
    if (!valid) {
      valid = leafCheck(schema.getType(name));
      leafChecks.set(name, valid);
    }
    return { kind: 'leaf', valid, display: name };
  }

  const root = compileSet(operation.selectionSet.selections, rootType);
  const defaults = variableDefaults(operation);
  return {
    shape(input, variables) {
      const run: Run = {
        schema,
        variables: defaults ? { ...defaults, ...variables } : (variables ?? {}),
        errors: [],
        invalid: false,
        hasErrors: false,
      };
      const data: Obj = Object.create(null);
      const bubbled = applySelections(run, input, root, data, [], rootType);
      return { data: bubbled ? null : data, errors: run.errors };
    },
  };
}

function isUnionType(type: GraphQLCompositeType): boolean {
  return !isObjectType(type) && !isInterfaceType(type);
}

/**
 * The selections as @apollo/federation-internals keys them when it builds the operation
 * Apollo shapes with: selections with one key are one selection, at the first one's place,
 * their sub-selections concatenated — a field by response name and directives, an inline
 * fragment by type condition and directives, a spread by fragment name and directives.
 * (Without this, `{ ... on T { a } b ... on T { c } }` would give keys a, b, c where
 * Apollo gives a, c, b.)
 */
function mergeByKey(selections: readonly SelectionNode[]): { selection: SelectionNode; children: SelectionNode[] }[] {
  const groups = new Map<string, { selection: SelectionNode; children: SelectionNode[] }>();
  for (const selection of selections) {
    const key = selectionKey(selection);
    const children = selection.kind === 'FragmentSpread' ? [] : (selection.selectionSet?.selections ?? []);
    const group = groups.get(key);
    if (group) group.children.push(...children);
    else groups.set(key, { selection, children: [...children] });
  }
  return [...groups.values()];
}

function selectionKey(selection: SelectionNode): string {
  const directives = (selection.directives ?? []).map((d) => print(d)).join(' ');
  if (selection.kind === 'Field') return `${selection.alias?.value ?? selection.name.value} ${directives}`;
  if (selection.kind === 'FragmentSpread') return `...${selection.name.value} ${directives}`;
  return `...${selection.typeCondition ? ` on ${selection.typeCondition.name.value}` : ''} ${directives}`;
}

function compileConditions(
  directives: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] | undefined,
): Condition[] | null {
  const conditions: Condition[] = [];
  // Apollo looks at the first @skip, then the first @include.
  for (const kind of ['skip', 'include'] as const) {
    const directive = directives?.find((d) => d.name.value === kind);
    if (!directive) continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    if (!arg) throw new NotCompilable(`@${kind} without if`);
    if (arg.value.kind === 'Variable') conditions.push({ kind, value: null, variable: arg.value.name.value });
    else if (arg.value.kind === 'BooleanValue') conditions.push({ kind, value: arg.value.value, variable: null });
    else throw new NotCompilable(`@${kind}(if:) of kind ${arg.value.kind}`);
  }
  return conditions.length ? conditions : null;
}

/** The operation's variable defaults (Apollo's collectDefaultedVariableValues), or null when none. */
export function variableDefaults(operation: OperationDefinitionNode): Obj | null {
  let defaults: Obj | null = null;
  for (const definition of operation.variableDefinitions ?? []) {
    if (!definition.defaultValue) continue;
    defaults ??= {};
    defaults[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  return defaults;
}

/** federation-internals' isValidLeafValue, decided once per leaf type. */
function leafCheck(type: GraphQLNamedType | undefined | null): (value: unknown) => boolean {
  const name = type?.name;
  if (isEnumType(type)) {
    const values = new Set(type.getValues().map((v) => v.name));
    return (value) => typeof value === 'string' && values.has(value);
  }
  const builtIn = name === 'String' || name === 'Int' || name === 'Float' || name === 'Boolean' || name === 'ID';
  if (isScalarType(type) && !builtIn) return () => true;
  return (value) => {
    if (typeof value === 'boolean') return name === 'Boolean';
    if (typeof value === 'number' && Number.isFinite(value)) {
      if (name === 'Int' || name === 'ID') return INTEGER.test(String(value));
      return name === 'Float';
    }
    if (typeof value === 'string') return name !== 'Boolean' && name !== 'Int' && name !== 'Float';
    return false;
  };
}

interface Run {
  schema: GraphQLSchema;
  variables: Obj;
  errors: GraphQLError[];
  /** Set by each updateValue call for its caller to read at once: the value nulled its parent. */
  invalid: boolean;
  /** Set by each updateValue call: an error was already reported below (no second one). */
  hasErrors: boolean;
}

function skipped(run: Run, conditions: Condition[]): boolean {
  for (const condition of conditions) {
    let value = condition.value;
    if (condition.variable !== null) {
      const given = run.variables[condition.variable];
      if (typeof given !== 'boolean') throw new Unshapeable(`@${condition.kind} variable $${condition.variable} is not a boolean`);
      value = given;
    }
    if (condition.kind === 'skip' ? value : !value) return true;
  }
  return false;
}

function fragmentApplies(run: Run, fragment: FragmentPlan, typename: string | undefined, parent: GraphQLCompositeType): boolean {
  const condition = fragment.typeCondition;
  if (!condition) return true;
  const name = typename || parent.name;
  // The common case (a fragment on the object's own type) without a map lookup.
  if (condition.name === name) return true;
  let applies = fragment.appliesTo.get(name);
  if (applies === undefined) {
    const type = typename ? run.schema.getType(typename) : parent;
    // An unknown name is not remembered: what a subgraph sends must not grow the cache.
    if (!type) return false;
    applies =
      condition.name === type.name ||
      (isAbstractType(condition) && (isObjectType(type) || isInterfaceType(type)) && run.schema.isSubType(condition, type));
    fragment.appliesTo.set(name, applies);
  }
  return applies;
}

/** Returns true when a null must bubble up to the parent (Apollo's NULL_BUBBLE_UP). */
function applySelections(
  run: Run,
  input: Obj,
  selections: SelectionPlan[],
  output: Obj,
  path: (string | number)[],
  parent: GraphQLCompositeType,
): boolean {
  for (let i = 0; i < selections.length; i++) {
    const selection = selections[i];
    if (selection.conditions && skipped(run, selection.conditions)) continue;
    if (selection.kind === 'field') {
      const responseName = selection.responseName;
      const outputValue = output[responseName];
      let inputValue = hasOwn.call(input, responseName) ? (input[responseName] ?? null) : null;
      if (selection.typename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== '__typename') inputValue = input.__typename ?? null;
          const type = typeof inputValue === 'string' ? (run.schema.getType(inputValue) ?? parent) : parent;
          if (!isObjectType(type)) return true;
          output[responseName] = type.name;
        }
        continue;
      }
      path.push(responseName);
      const updated = updateValue(run, outputValue, selection.type, inputValue, selection.selections, path, parent);
      output[responseName] = updated;
      path.pop();
      if (run.invalid) return true;
    } else {
      const typename = input.__typename;
      if (typename && typeof typename !== 'string') throw new Unshapeable('__typename is not a string');
      if (fragmentApplies(run, selection, typename as string | undefined, parent)) {
        if (applySelections(run, input, selection.selections, output, path, selection.typeCondition ?? parent)) return true;
      }
    }
  }
  return false;
}

function describeLast(path: (string | number)[], display: string, parent: GraphQLCompositeType): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parent.name}.${element}` : `array element of type ${display} at index ${element}`;
}

function updateValue(
  run: Run,
  outputValue: unknown,
  type: TypePlan,
  inputValue: unknown,
  selections: SelectionPlan[] | null,
  path: (string | number)[],
  parent: GraphQLCompositeType,
): unknown {
  if (inputValue === undefined) throw new Unshapeable('an undefined value in the data');
  run.invalid = false;
  run.hasErrors = false;
  if (outputValue === null || (outputValue !== undefined && !selections)) return outputValue;
  switch (type.kind) {
    case 'nonNull': {
      const updated = updateValue(run, outputValue, type.of, inputValue, selections, path, parent);
      if (updated === null) {
        if (!run.hasErrors) {
          run.errors.push(
            new GraphQLError(`Cannot return null for non-nullable ${describeLast(path, type.display, parent)}.`, {
              path: Array.from(path),
              extensions: { code: 'INVALID_GRAPHQL' },
            }),
          );
        }
        run.invalid = true;
        run.hasErrors = true;
        return updated;
      }
      // As Apollo: a non-null value that had errors below reports none further up.
      run.invalid = false;
      run.hasErrors = false;
      return updated;
    }
    case 'list': {
      if (inputValue === null) return null;
      if (!Array.isArray(inputValue)) throw new Unshapeable('a non-list value for a list type');
      if (outputValue !== undefined && !Array.isArray(outputValue)) throw new Unshapeable('a non-list output for a list type');
      const length = inputValue.length;
      if (outputValue !== undefined && (outputValue as unknown[]).length !== length) throw new Unshapeable('list lengths differ');
      const updated = new Array(length);
      let nullify = false;
      let hasErrors = false;
      for (let i = 0; i < length; i++) {
        path.push(i);
        updated[i] = updateValue(
          run,
          outputValue === undefined ? undefined : (outputValue as unknown[])[i],
          type.of,
          inputValue[i],
          selections,
          path,
          parent,
        );
        path.pop();
        if (run.invalid) nullify = true;
        if (run.hasErrors) hasErrors = true;
      }
      run.invalid = false;
      run.hasErrors = hasErrors;
      return nullify ? null : updated;
    }
    case 'composite': {
      if (inputValue === null) return null;
      if (!selections || typeof inputValue !== 'object') throw new Unshapeable('a non-object value for a composite type');
      if (outputValue !== undefined && typeof outputValue !== 'object') throw new Unshapeable('a non-object output for a composite type');
      const typename = (inputValue as Obj).__typename;
      let objectType: GraphQLCompositeType = type.type;
      if (typename !== undefined) {
        if (typeof typename !== 'string') throw new Unshapeable('__typename is not a string');
        if (typename) {
          const named = run.schema.getType(typename);
          if (!named || !isCompositeType(named)) throw new Unshapeable(`unknown __typename ${typename}`);
          objectType = named;
        }
      }
      const target = (outputValue as Obj | undefined) ?? Object.create(null);
      const bubbled = applySelections(run, inputValue as Obj, selections, target, path, objectType);
      run.invalid = false;
      run.hasErrors = bubbled;
      return bubbled ? null : target;
    }
    case 'leaf': {
      if (inputValue === null) return null;
      if (outputValue !== undefined) throw new Unshapeable('a leaf already answered');
      if (!type.valid(inputValue)) throw new Unshapeable(`an invalid ${type.display} value`);
      return inputValue;
    }
  }
}
