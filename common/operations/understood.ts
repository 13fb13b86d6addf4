/**
 * One place that understands an operation, as graphql-js's ValidationContext does for
 * validation: which operation of a document runs, its fragments, the fields each
 * selection set expands to (fragments flattened), whether it asks for introspection, and
 * its variables coerced to their declarations.
 *
 * Everything that reads an operation — authentication's introspection gate, the
 * authoriser, limits, audit, the caches and the data sources — takes these facts from
 * here instead of building its own fragment map and walker, so they cannot disagree
 * about what an operation selects. It serves the clients' operations and the query
 * planner's subgraph fetch documents alike: nothing here depends on the schema, only on
 * the document (the schema enters only where variables are coerced).
 *
 * Computed once per distinct (document, operation name): Apollo Server hands every
 * request with the same text the same DocumentNode (its document store), and the
 * planner's fetch documents are parsed once per query plan, so the facts are kept beside
 * that node (weakly: a document the store evicts takes its facts with it), and at most
 * MAX_NAMES_PER_DOCUMENT operation names per document (then they start over), so a
 * client sending many unknown names cannot grow it unbounded.
 */
import type { DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { Kind, visit, type ASTNode } from 'graphql';
import { selectOperation } from './select.ts';
import { coerceVariables } from './variables.ts';

/** A field of an expanded selection set, with the type condition it sits under when a fragment names one. */
export interface FieldInContext {
  field: FieldNode;
  typeCondition?: string;
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
const MAX_NAMES_PER_DOCUMENT = 16;

export class UnderstoodOperation {
  /** Every fragment the document defines, by name. */
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** The operation a request runs (the named one, or the only one); null when none matches. */
  readonly operation: OperationDefinitionNode | null;
  readonly #expanded = new WeakMap<SelectionSetNode, readonly FieldInContext[]>();
  readonly #fields = new WeakMap<SelectionSetNode, readonly FieldNode[]>();
  #scope?: DocumentNode;
  #rootFields?: readonly FieldNode[];

  constructor(
    readonly document: DocumentNode,
    readonly operationName: string | null,
  ) {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    this.fragments = fragments;
    this.operation = selectOperation(document, operationName);
  }

  /**
   * The fields `set` asks for, inline fragments and fragment spreads expanded (in document
   * order), each with the type condition it sits under. Memoised per selection set, so a
   * fragment spread many times is expanded once ("fragment bombs" stay linear to walk).
   */
  fieldsInContext(set: SelectionSetNode): readonly FieldInContext[] {
    let fields = this.#expanded.get(set);
    if (!fields) {
      const out: FieldInContext[] = [];
      this.#collect(set, undefined, out, new Set());
      this.#expanded.set(set, (fields = out));
    }
    return fields;
  }

  /** The fields `set` asks for, fragments expanded (see fieldsInContext). */
  fieldsOf(set: SelectionSetNode): readonly FieldNode[] {
    let fields = this.#fields.get(set);
    if (!fields) this.#fields.set(set, (fields = this.fieldsInContext(set).map((f) => f.field)));
    return fields;
  }

  /** The operation's root fields, fragments expanded; none when no operation matches. */
  get rootFields(): readonly FieldNode[] {
    this.#rootFields ??= this.operation ? this.fieldsOf(this.operation.selectionSet) : [];
    return this.#rootFields;
  }

  /** `__schema` or `__type` at the root (directly or through fragments): the only places they exist. */
  get introspection(): boolean {
    return this.rootFields.some((f) => INTROSPECTION_FIELDS.has(f.name.value));
  }

  /**
   * The operation and the fragments it reaches, as a document of its own: what a walk
   * with graphql's TypeInfo visits to see exactly what this operation selects (not the
   * fragments only another operation of the document uses).
   */
  get scope(): DocumentNode {
    if (!this.#scope) {
      const definitions = this.operation ? [this.operation, ...reachedFragments([this.operation], this.fragments)] : [];
      this.#scope = { kind: Kind.DOCUMENT, definitions };
    }
    return this.#scope;
  }

  /**
   * The request's variables as execution sees them (common/operations/variables.ts):
   * per request, since the values differ. Throws VariablesError when they do not fit.
   */
  variables(schema: GraphQLSchema, raw: Readonly<Record<string, unknown>> | null | undefined): Record<string, unknown> {
    if (!this.operation) throw new Error(`no operation ${JSON.stringify(this.operationName ?? '(unnamed)')} in the document`);
    return coerceVariables(schema, this.operation, raw);
  }

  #collect(set: SelectionSetNode, typeCondition: string | undefined, out: FieldInContext[], visiting: Set<string>): void {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) out.push(typeCondition === undefined ? { field: s } : { field: s, typeCondition });
      else if (s.kind === Kind.INLINE_FRAGMENT) this.#collect(s.selectionSet, s.typeCondition?.name.value ?? typeCondition, out, visiting);
      else {
        const fragment = this.fragments.get(s.name.value);
        // An unknown or cyclic spread is a validation error reported elsewhere; just do not loop on it.
        if (!fragment || visiting.has(s.name.value)) continue;
        visiting.add(s.name.value);
        this.#collect(fragment.selectionSet, fragment.typeCondition.name.value, out, visiting);
        visiting.delete(s.name.value);
      }
    }
  }
}

const understood = new WeakMap<DocumentNode, Map<string, UnderstoodOperation>>();

/** The facts of the operation `operationName` selects in `document`, computed once per pair. */
export function understand(document: DocumentNode, operationName?: string | null): UnderstoodOperation {
  const key = operationName ?? '';
  let byName = understood.get(document);
  if (!byName) understood.set(document, (byName = new Map()));
  let facts = byName.get(key);
  if (!facts) {
    if (byName.size >= MAX_NAMES_PER_DOCUMENT) byName.clear();
    byName.set(key, (facts = new UnderstoodOperation(document, operationName ?? null)));
  }
  return facts;
}

/**
 * The fragments `nodes` spread, directly or through other fragments, depth first in the
 * order first reached. `fragments` finds a definition by name (a map, or a function when
 * some are rewritten, as the authoriser's filter does). `missing` decides what an unknown
 * spread means (default: it is skipped; the manifest extractor throws naming the file).
 */
export function reachedFragments(
  nodes: readonly ASTNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode> | ((name: string) => FragmentDefinitionNode | undefined),
  missing?: (name: string) => void,
): FragmentDefinitionNode[] {
  const lookup = typeof fragments === 'function' ? fragments : (name: string) => fragments.get(name);
  const reached = new Map<string, FragmentDefinitionNode>();
  const reach = (node: ASTNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (reached.has(name)) return;
        const fragment = lookup(name);
        if (!fragment) return missing?.(name);
        reached.set(name, fragment);
        reach(fragment);
      },
    });
  };
  for (const node of nodes) reach(node);
  return [...reached.values()];
}
