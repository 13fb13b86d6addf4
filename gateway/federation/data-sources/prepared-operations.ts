/**
 * Fetch operations rewritten for merging (entity keys added, merge rules resolved),
 * cached by query text. The planner's fetches come from cached query plans, so the
 * distinct texts are few and the rewrite is paid once per plan rather than per request.
 */
import { parse, print, type DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { GraphQLBody } from './types.ts';

export interface Prepared<M> {
  body: GraphQLBody;
  document: DocumentNode;
  meta: M;
}

export class PreparedOperations<M> {
  private readonly cache: LRUCache<string, { query: string; document: DocumentNode; meta: M }>;

  constructor(
    private readonly rewrite: (document: DocumentNode) => { document: DocumentNode; meta: M },
    max = 2000,
  ) {
    this.cache = new LRUCache({ max });
  }

  prepare(body: GraphQLBody, document?: DocumentNode): Prepared<M> {
    let prepared = this.cache.get(body.query);
    if (!prepared) {
      const rewritten = this.rewrite(document ?? parse(body.query));
      prepared = { query: print(rewritten.document), document: rewritten.document, meta: rewritten.meta };
      this.cache.set(body.query, prepared);
    }
    return { body: { ...body, query: prepared.query }, document: prepared.document, meta: prepared.meta };
  }
}
