/**
 * Whether an operation asks for introspection: `__schema` or `__type`. They exist only on
 * the root query type, but may sit inside inline fragments or fragment spreads there
 * (`{ ...F } fragment F on Query { __schema { … } }`). Authentication (anonymous callers
 * get no schema) and authorisation (anonymous introspection refused) ask the same question.
 */
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export function selectsIntrospection(selectionSet: SelectionSetNode, document: DocumentNode): boolean {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const seen = new Set<string>();
  const scan = (set: SelectionSetNode): boolean =>
    set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === '__schema' || s.name.value === '__type';
      if (s.kind === Kind.INLINE_FRAGMENT) return scan(s.selectionSet);
      const fragment = fragments.get(s.name.value);
      if (!fragment || seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return scan(fragment.selectionSet);
    });
  return scan(selectionSet);
}
