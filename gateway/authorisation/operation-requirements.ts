/**
 * The authoriser's per-operation requirement analysis: every distinct requirement an
 * operation meets on its way (each field's, and each fragment's type condition where it
 * is spread), whoever asks. It depends on the schema and the operation only, so it is
 * made once per distinct operation — for a registered trusted document, when the
 * manifest is loaded.
 *
 * A caller who meets every requirement listed is denied nothing: the filter
 * (filter.ts) would return the operation unchanged, so the authoriser skips it. The
 * filter denies a field when the caller lacks its requirement combined with an unmet
 * fragment gate above it; if every field's and every fragment's requirement is met, no
 * gate is unmet and nothing is lacking.
 *
 * An operation that cannot be authorised at all — no operation to run, a root type the
 * graph does not have, a field the schema does not hold — comes back as `unplannable`
 * with the reason, so a manifest holding it fails its load naming the document.
 */
import { getNamedType, isCompositeType, Kind, type GraphQLCompositeType, type SelectionSetNode } from 'graphql';
import type { UnderstoodOperation } from '../../common/operations/understood.ts';
import { isEmpty, type Requirement } from './requirement.ts';
import type { RequirementIndex } from './requirement-index.ts';

export type OperationRequirements =
  | { kind: 'requirements'; requirements: readonly Requirement[] }
  | { kind: 'unplannable'; reason: string };

export function operationRequirements(index: RequirementIndex, understood: UnderstoodOperation): OperationRequirements {
  const { operation } = understood;
  if (!operation) {
    const name = understood.operationName ? `no operation named "${understood.operationName}"` : 'no single operation to run';
    return { kind: 'unplannable', reason: `the document holds ${name}` };
  }
  const root = index.schema.getRootType(operation.operation);
  if (!root) return { kind: 'unplannable', reason: `it is a ${operation.operation}, and this graph has no ${operation.operation}s` };
  const found = new Map<string, Requirement>();
  const add = (requirement: Requirement) => {
    if (!isEmpty(requirement)) found.set(JSON.stringify(requirement), requirement);
  };
  // A selection set is walked once per parent type it is reached under (fragments spread
  // in many places), so the walk stays linear however often a fragment is used.
  const walked = new WeakMap<SelectionSetNode, Set<string>>();
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType): string | null => {
    const seen = walked.get(set) ?? new Set<string>();
    if (seen.has(parent.name)) return null;
    walked.set(set, seen.add(parent.name));
    for (const selection of set.selections) {
      let problem: string | null = null;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        const field = 'getFields' in parent ? parent.getFields()[name] : undefined;
        if (!field) return `${parent.name}.${name} is not in the schema`;
        add(index.fieldRequirement(parent, name));
        const type = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(type)) problem = walk(selection.selectionSet, type);
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : understood.fragments.get(selection.name.value);
        if (!fragment) return `fragment ${selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : ''} is not defined`;
        const conditionName = fragment.typeCondition?.name.value;
        const condition = conditionName ? index.schema.getType(conditionName) : parent;
        if (!condition || !isCompositeType(condition)) return `type ${conditionName} is not in the schema`;
        add(index.fragmentRequirement(parent, condition));
        problem = walk(fragment.selectionSet, condition);
      }
      if (problem) return problem;
    }
    return null;
  };
  const problem = walk(operation.selectionSet, root);
  return problem ? { kind: 'unplannable', reason: problem } : { kind: 'requirements', requirements: [...found.values()] };
}
