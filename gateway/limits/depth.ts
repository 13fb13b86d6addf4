/** Maximum depth: how many fields deep the operation nests (fragments expanded). */
import type { SelectionSetNode, ValidationRule } from 'graphql';
import { limitError, LIMIT_CODES, operationLabel } from './refusal.ts';
import { memoised, Selections } from './selections.ts';

export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const selections = new Selections(context.getDocument());
      const depth: (set: SelectionSetNode, key: null) => number = memoised<null>((set) =>
        Math.max(0, ...selections.fieldsOf(set).map(({ field }) => 1 + (field.selectionSet ? depth(field.selectionSet, null) : 0))),
      );
      const found = depth(operation.selectionSet, null);
      if (found > maxDepth) {
        context.reportError(
          limitError(LIMIT_CODES.depth, `Operation ${operationLabel(operation)}is ${found} levels deep; the limit is ${maxDepth}.`),
        );
      }
    },
  });
}
