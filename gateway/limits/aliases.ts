/**
 * Maximum aliases: each alias makes the gateway resolve a field once more, so a
 * hundred aliases of `person` is a hundred lookups in one request (an "alias bomb").
 * Counted through fragments, once per place a fragment is spread.
 */
import type { SelectionSetNode, ValidationRule } from 'graphql';
import { limitError, LIMIT_CODES, operationLabel } from './refusal.ts';
import { memoised, Selections } from './selections.ts';

export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const selections = new Selections(context.getDocument());
      const aliases: (set: SelectionSetNode, key: null) => number = memoised<null>((set) =>
        selections
          .fieldsOf(set)
          .reduce((sum, { field }) => sum + (field.alias ? 1 : 0) + (field.selectionSet ? aliases(field.selectionSet, null) : 0), 0),
      );
      const found = aliases(operation.selectionSet, null);
      if (found > maxAliases) {
        context.reportError(
          limitError(LIMIT_CODES.aliases, `Operation ${operationLabel(operation)}uses ${found} aliases; the limit is ${maxAliases}.`),
        );
      }
    },
  });
}
