/**
 * Facts computed once per distinct operation, not once per request.
 *
 * Apollo Server hands every request with the same query text the same parsed
 * DocumentNode (its document store), so anything derived from the schema and the
 * document alone — the coordinates an operation selects, whether it touches personal
 * data, whether it passes the depth limit — can be kept beside that node. Keys are weak:
 * a document the store evicts (or a schema replaced by a supergraph update) takes its
 * facts with it.
 *
 *   const coordinates = new OperationMemo<string[]>();
 *   coordinates.get(schema, document, operationName ?? '', () => walk(schema, document));
 *
 * `key` separates what differs within one document: the operation name, or the values
 * of the few variables a fact depends on. At most `maxKeysPerDocument` are kept per
 * document (then they start over), so varied variables cannot grow the memo unbounded.
 */
import type { DocumentNode, GraphQLSchema } from 'graphql';

export class OperationMemo<T> {
  readonly #bySchema = new WeakMap<GraphQLSchema, WeakMap<object, Map<string, T>>>();

  constructor(private readonly maxKeysPerDocument = 64) {}

  /** `node` is the document, or a node inside it (an operation definition). */
  get(schema: GraphQLSchema, node: DocumentNode | object, key: string, compute: () => T): T {
    let byNode = this.#bySchema.get(schema);
    if (!byNode) this.#bySchema.set(schema, (byNode = new WeakMap()));
    let byKey = byNode.get(node);
    if (!byKey) byNode.set(node, (byKey = new Map()));
    if (byKey.has(key)) return byKey.get(key)!;
    const value = compute();
    if (byKey.size >= this.maxKeysPerDocument) byKey.clear();
    byKey.set(key, value);
    return value;
  }
}
