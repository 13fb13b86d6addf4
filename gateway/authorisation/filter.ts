/**
 * The operation filter: the caller's operation with every field they may not see
 * removed, computed before the gateway plans it.
 *
 * The result depends only on the document, the operation name and the caller's facts,
 * never on variable values, so it can be cached per (query, operation, facts):
 * - `@include`/`@skip` are not evaluated here. A denied field is removed whatever its
 *   conditions, and its conditions travel with the denial; denials.ts evaluates them per
 *   request so that a skipped field is not reported as denied.
 * - Named fragments are filtered once each, on their own type condition: what they keep
 *   does not depend on where they are spread, so one fragment used in several places
 *   is filtered the same everywhere and cannot leak through any of them. (A spread
 *   under a type requirement the caller lacks is the exception: that one use is inlined
 *   and denied whole.)
 * Removed fields leave their selection sets possibly empty: those get a hidden
 * `__typename` (aliased HIDDEN_KEY, stripped from the result) so the document stays
 * valid. The same hidden key tells denials.ts the runtime type where a denial applies
 * only to some possible types of an abstract field.
 */
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { reachedFragments, understand, type UnderstoodOperation } from '../../common/operations/understood.ts';
import { both, missing, NO_REQUIREMENT, type CallerFacts, type Requirement } from './requirement.ts';
import type { RequirementIndex } from './requirement-index.ts';

/** Response key of the hidden `__typename` the filter adds; never seen by clients. */
export const HIDDEN_KEY = '_liandongTypename';

export interface Condition {
  directive: 'include' | 'skip';
  /** The literal, or the variable whose value decides. */
  value: boolean | { variable: string };
}

/** One step of a response path: the response key and the field's type there. */
export interface Frame {
  key: string;
  type: GraphQLOutputType;
}

export interface PlannedDenial {
  frames: Frame[];
  coordinate: string;
  missing: string[];
  /** All must hold (from the field and every fragment/field above it) for the field to be asked. */
  conditions: Condition[];
  /** When set, the denial applies only to objects of these runtime types (read via HIDDEN_KEY). */
  onTypes?: readonly string[];
  /** Why, for this caller, when more can be said than what is missing (added per request, never cached). */
  note?: string;
  /** A stable machine-readable reason going with the note (`extensions.reason`), e.g. `not-assigned-to-case`. */
  reason?: string;
}

export interface FilterPlan {
  /** The filtered document: only the selected operation and the fragments it still uses. */
  document: DocumentNode;
  /** False when nothing was removed; `document` is then the original. */
  changed: boolean;
  denials: PlannedDenial[];
  /** Every root field was removed. */
  rootEmptied: boolean;
  /** Default values of the operation's variables, for evaluating conditions. */
  variableDefaults: Record<string, unknown>;
}

interface Filtered {
  selections: SelectionNode[];
  denials: PlannedDenial[];
  /** Every original selection was removed (only a placeholder would remain). */
  emptied: boolean;
}

export function filterOperation(
  index: RequirementIndex,
  document: DocumentNode,
  operationName: string | null | undefined,
  facts: CallerFacts,
): FilterPlan | null {
  const understood = understand(document, operationName);
  const { operation } = understood;
  const rootType = operation && index.schema.getRootType(operation.operation);
  if (!operation || !rootType) return null;
  return new OperationFilter(index, understood, facts).run(operation, rootType);
}

class OperationFilter {
  private readonly filteredFragments = new Map<string, Filtered & { definition: FragmentDefinitionNode }>();

  constructor(
    private readonly index: RequirementIndex,
    private readonly understood: UnderstoodOperation,
    private readonly facts: CallerFacts,
  ) {}

  private get fragments(): ReadonlyMap<string, FragmentDefinitionNode> {
    return this.understood.fragments;
  }

  run(operation: OperationDefinitionNode, rootType: GraphQLCompositeType): FilterPlan {
    const root = this.filterSelectionSet(operation.selectionSet, rootType, NO_REQUIREMENT);
    const variableDefaults = defaultsOf(operation);
    if (root.denials.length === 0) {
      return { document: this.understood.document, changed: false, denials: [], rootEmptied: false, variableDefaults };
    }
    const filteredOperation: OperationDefinitionNode = { ...operation, selectionSet: selectionSet(root.selections) };
    return {
      document: this.assemble(filteredOperation),
      changed: true,
      denials: root.denials,
      rootEmptied: root.emptied,
      variableDefaults,
    };
  }

  /** The operation, the filtered fragments it still reaches, and only the variables still used. */
  private assemble(operation: OperationDefinitionNode): DocumentNode {
    const fragments = reachedFragments([operation], (name) => this.filteredFragments.get(name)?.definition ?? this.fragments.get(name));
    const used = new Set<string>();
    for (const node of [operation.selectionSet, ...fragments]) {
      visit(node, {
        Variable: (v) => {
          used.add(v.name.value);
        },
      });
    }
    const pruned: OperationDefinitionNode = {
      ...operation,
      variableDefinitions: operation.variableDefinitions?.filter((d) => used.has(d.variable.name.value)),
    };
    return { kind: Kind.DOCUMENT, definitions: [pruned, ...fragments] };
  }

  /**
   * `gate` is an unmet requirement of an enclosing fragment's type condition: every field
   * under it is denied with it. A met requirement adds nothing and is never passed down.
   */
  private filterSelectionSet(set: SelectionSetNode, parent: GraphQLCompositeType, gate: Requirement): Filtered {
    const selections: SelectionNode[] = [];
    const denials: PlannedDenial[] = [];
    let needsTypename = false;
    for (const selection of set.selections) {
      const result =
        selection.kind === Kind.FIELD ? this.filterField(selection, parent, gate) : this.filterFragment(selection, parent, gate);
      if (result.node) selections.push(result.node);
      denials.push(...result.denials);
      needsTypename ||= result.needsTypename;
    }
    const emptied = selections.length === 0;
    if (emptied || needsTypename) selections.push(hiddenTypename());
    return { selections, denials, emptied };
  }

  private filterField(field: FieldNode, parent: GraphQLCompositeType, gate: Requirement): Step {
    const name = field.name.value;
    const definition = 'getFields' in parent ? parent.getFields()[name] : undefined;
    if (name.startsWith('__') || !definition) return { node: field, denials: [], needsTypename: false };
    const key = field.alias?.value ?? name;
    const frame: Frame = { key, type: definition.type };
    const lacking = missing(both(gate, this.index.fieldRequirement(parent, name)), this.facts);
    if (lacking.length > 0) {
      const denial = { frames: [frame], coordinate: `${parent.name}.${name}`, missing: lacking, conditions: conditionsOf(field) };
      return { node: null, denials: [denial], needsTypename: false };
    }
    const returnType = getNamedType(definition.type);
    if (!field.selectionSet || !isCompositeType(returnType)) return { node: field, denials: [], needsTypename: false };
    const child = this.filterSelectionSet(field.selectionSet, returnType, NO_REQUIREMENT);
    const denials = child.denials.map((d) => ({
      ...d,
      frames: [frame, ...d.frames],
      conditions: [...conditionsOf(field), ...d.conditions],
    }));
    const node = child.denials.length === 0 ? field : { ...field, selectionSet: selectionSet(child.selections) };
    return { node, denials, needsTypename: false };
  }

  /** Inline fragments and spreads: filtered on their type condition, whose own requirement gates their fields. */
  private filterFragment(fragment: InlineFragmentNode | FragmentSpreadNode, parent: GraphQLCompositeType, gate: Requirement): Step {
    const inner = fragment.kind === Kind.INLINE_FRAGMENT ? this.inline(fragment, parent, gate) : this.spread(fragment, parent, gate);
    if (!inner) return { node: fragment, denials: [], needsTypename: false };
    const { filtered, typeCondition, node } = inner;
    // Fields directly inside a fragment narrower than an abstract parent are denied only
    // for objects of the fragment's possible types: mark them and ask for the runtime type.
    const narrowed = isAbstractType(parent) && typeCondition.name !== parent.name;
    const onTypes = narrowed
      ? this.index.schema
          .getPossibleTypes(parent)
          .map((t) => t.name)
          .filter((t) => possibleNames(this.index, typeCondition).includes(t))
      : undefined;
    const denials = filtered.denials.map((d) => ({
      ...d,
      conditions: [...conditionsOf(fragment), ...d.conditions],
      onTypes: d.frames.length === 1 && onTypes ? narrowTo(d.onTypes, onTypes) : d.onTypes,
    }));
    const needsTypename = narrowed && filtered.denials.some((d) => d.frames.length === 1);
    return { node: filtered.emptied ? null : node, denials, needsTypename };
  }

  private inline(fragment: InlineFragmentNode, parent: GraphQLCompositeType, gate: Requirement) {
    const named = fragment.typeCondition ? this.index.schema.getType(fragment.typeCondition.name.value) : parent;
    if (!named || !isCompositeType(named)) return null;
    const own = this.index.fragmentRequirement(parent, named);
    const filtered = this.filterSelectionSet(fragment.selectionSet, named, this.unmet(both(gate, own)));
    const node = filtered.denials.length === 0 ? fragment : { ...fragment, selectionSet: selectionSet(filtered.selections) };
    return { filtered, typeCondition: named, node };
  }

  /**
   * A spread keeps pointing at its (filtered-once) fragment, except where a type
   * requirement is unmet (the fragment's type condition here, or an enclosing fragment's):
   * there its contents are denied whatever the fragment allows elsewhere, so that one
   * use is inlined and filtered on its own.
   */
  private spread(spread: FragmentSpreadNode, parent: GraphQLCompositeType, gate: Requirement) {
    const definition = this.fragments.get(spread.name.value);
    const named = definition && this.index.schema.getType(definition.typeCondition.name.value);
    if (!definition || !named || !isCompositeType(named)) return null;
    if (this.unmet(both(gate, this.index.fragmentRequirement(parent, named))) !== NO_REQUIREMENT) {
      const inlined: InlineFragmentNode = {
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: definition.typeCondition,
        directives: spread.directives,
        selectionSet: definition.selectionSet,
      };
      return this.inline(inlined, parent, gate);
    }
    const filtered = this.fragment(spread.name.value);
    return filtered && { filtered, typeCondition: filtered.typeCondition, node: spread };
  }

  /** Each named fragment is filtered once, on its own type condition (see the module comment); spread() has checked the condition's requirement. */
  private fragment(name: string) {
    const definition = this.fragments.get(name);
    const named = definition && this.index.schema.getType(definition.typeCondition.name.value);
    if (!definition || !named || !isCompositeType(named)) return null;
    let filtered = this.filteredFragments.get(name);
    if (!filtered) {
      const result = this.filterSelectionSet(definition.selectionSet, named, NO_REQUIREMENT);
      filtered = {
        ...result,
        definition: result.denials.length === 0 ? definition : { ...definition, selectionSet: selectionSet(result.selections) },
      };
      this.filteredFragments.set(name, filtered);
    }
    return { ...filtered, typeCondition: named };
  }

  /** The requirement if this caller does not meet it, else none: met gates add nothing below. */
  private unmet(requirement: Requirement): Requirement {
    return missing(requirement, this.facts).length > 0 ? requirement : NO_REQUIREMENT;
  }
}

interface Step {
  node: SelectionNode | null;
  denials: PlannedDenial[];
  needsTypename: boolean;
}

/** Nested type conditions on one object: the denial applies where all of them hold. */
function narrowTo(inner: readonly string[] | undefined, outer: readonly string[]): readonly string[] {
  return inner ? inner.filter((t) => outer.includes(t)) : outer;
}

function possibleNames(index: RequirementIndex, type: GraphQLCompositeType): string[] {
  return isAbstractType(type) ? index.schema.getPossibleTypes(type).map((t) => t.name) : [type.name];
}

function selectionSet(selections: SelectionNode[]): SelectionSetNode {
  return { kind: Kind.SELECTION_SET, selections };
}

function hiddenTypename(): FieldNode {
  return {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: HIDDEN_KEY },
    name: { kind: Kind.NAME, value: '__typename' },
  };
}

function conditionsOf(node: FieldNode | InlineFragmentNode | FragmentSpreadNode): Condition[] {
  const out: Condition[] = [];
  for (const d of node.directives ?? []) {
    const name = d.name.value;
    if (name !== 'include' && name !== 'skip') continue;
    const arg = d.arguments?.find((a) => a.name.value === 'if')?.value;
    if (arg?.kind === Kind.BOOLEAN) out.push({ directive: name, value: arg.value });
    if (arg?.kind === Kind.VARIABLE) out.push({ directive: name, value: { variable: arg.name.value } });
  }
  return out;
}

function defaultsOf(operation: OperationDefinitionNode): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const d of operation.variableDefinitions ?? []) {
    if (d.defaultValue?.kind === Kind.BOOLEAN) defaults[d.variable.name.value] = d.defaultValue.value;
  }
  return defaults;
}
