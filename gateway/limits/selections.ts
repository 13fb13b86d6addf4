/**
 * The fields a selection set asks for, with fragments expanded: what depth, alias and
 * cost limits all measure.
 *
 * Measuring through fragments matters: a limit that counted a fragment once however
 * often it is spread would let "fragment bombs" through. Results are memoised per
 * selection set node, so measuring stays linear in the document even when the count
 * it computes is exponential.
 */
import { Kind, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';

export interface FieldInContext {
  field: FieldNode;
  /** The type condition the field sits under, when a fragment names one. */
  typeCondition?: string;
}

export class Selections {
  private readonly fragments = new Map<string, { set: SelectionSetNode; type: string }>();
  private readonly memo = new WeakMap<SelectionSetNode, FieldInContext[]>();

  constructor(document: DocumentNode) {
    for (const d of document.definitions) {
      if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(d.name.value, { set: d.selectionSet, type: d.typeCondition.name.value });
    }
  }

  /** Fields of `set`, fragments flattened; introspection (`__schema`, `__type`) left out: it is gated, and bounded by the schema. */
  fieldsOf(set: SelectionSetNode): FieldInContext[] {
    const cached = this.memo.get(set);
    if (cached) return cached;
    const out: FieldInContext[] = [];
    this.collect(set, undefined, out, new Set());
    this.memo.set(set, out);
    return out;
  }

  private collect(set: SelectionSetNode, typeCondition: string | undefined, out: FieldInContext[], visiting: Set<string>): void {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value !== '__schema' && s.name.value !== '__type') out.push({ field: s, typeCondition });
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        this.collect(s.selectionSet, s.typeCondition?.name.value ?? typeCondition, out, visiting);
      } else {
        const fragment = this.fragments.get(s.name.value);
        // Cycles are a validation error reported elsewhere; just do not loop on them.
        if (!fragment || visiting.has(s.name.value)) continue;
        visiting.add(s.name.value);
        this.collect(fragment.set, fragment.type, out, visiting);
        visiting.delete(s.name.value);
      }
    }
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
