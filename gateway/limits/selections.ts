/**
 * The fields a selection set asks for, with fragments expanded: what depth, alias and
 * cost limits all measure.
 *
 * Measuring through fragments matters: a limit that counted a fragment once however
 * often it is spread would let "fragment bombs" through. Expansions are memoised per
 * selection set node, so measuring stays linear in the document even when the count
 * it computes is exponential.
 */
import type { DocumentNode, SelectionSetNode } from 'graphql';
import { understand, type FieldInContext, type UnderstoodOperation } from '../../common/operations/understood.ts';

export type { FieldInContext };

/** The fields the limits measure: the shared expansion (common/operations/understood.ts) less introspection. */
export class Selections {
  private readonly understood: UnderstoodOperation;
  private readonly memo = new WeakMap<SelectionSetNode, FieldInContext[]>();

  constructor(document: DocumentNode) {
    // The expansion of a selection set does not depend on which operation runs.
    this.understood = understand(document);
  }

  /** Fields of `set`, fragments flattened; introspection (`__schema`, `__type`) left out: it is gated, and bounded by the schema. */
  fieldsOf(set: SelectionSetNode): FieldInContext[] {
    let fields = this.memo.get(set);
    if (!fields) {
      fields = this.understood.fieldsInContext(set).filter((f) => f.field.name.value !== '__schema' && f.field.name.value !== '__type');
      this.memo.set(set, fields);
    }
    return fields;
  }
}

/** Folds a number over the operation's selection tree, memoised per (selection set, key). */
export function memoised<K>(compute: (set: SelectionSetNode, key: K) => number): (set: SelectionSetNode, key: K) => number {
  const memo = new WeakMap<SelectionSetNode, Map<K, number>>();
  const run = (set: SelectionSetNode, key: K): number => {
    let byKey = memo.get(set);
    if (!byKey) memo.set(set, (byKey = new Map()));
    const hit = byKey.get(key);
    if (hit !== undefined) return hit;
    const value = compute(set, key);
    byKey.set(key, value);
    return value;
  };
  return run;
}
