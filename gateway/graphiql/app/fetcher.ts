/**
 * The page's GraphQL fetcher: same-origin POST to the gateway with the header editor's
 * headers. A refusal for lack of a token (401, UNAUTHENTICATED) — always the case for
 * the first schema fetch, since introspection needs a token — comes back with a hint
 * saying where to put one, instead of a bare error.
 *
 * A subscription is sent as GraphQL over SSE (graphql-sse's client, same origin, the same
 * headers), and each event shows in the response pane as it arrives.
 */
import type { ExecutionResult } from 'graphql';
import { getOperationAST, parse as parseDocument } from 'graphql';
import { createClient } from 'graphql-sse';
import type { Fetcher, FetcherOpts, FetcherParams, Observable, SyncExecutionResult } from '@graphiql/toolkit';
import { DOCS_HEADER, DOCS_HEADER_VALUE } from '../page-config.ts';

export const TOKEN_HINT =
  'The gateway needs a token. Put it in the Headers tab below the query as "Authorization": "Bearer <token>"' +
  ' (development: pick a demo role in the "Demo tokens" panel on the left), then re-fetch the schema (↻ on the left).';

interface GraphQLError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}
interface GraphQLResult {
  data?: unknown;
  errors?: GraphQLError[];
  extensions?: unknown;
}

export function gatewayFetcher(graphqlPath: string): Fetcher {
  return async (params: FetcherParams, opts?: FetcherOpts) => {
    if (isSubscription(params)) return subscribe(graphqlPath, params, opts);
    const response = await fetch(graphqlPath, {
      method: 'POST',
      headers: {
        accept: 'application/graphql-response+json, application/json',
        'content-type': 'application/json',
        [DOCS_HEADER]: DOCS_HEADER_VALUE,
        ...opts?.headers,
      },
      body: JSON.stringify(params),
    });
    const result = await parse(response);
    // Wire JSON holds formatted errors (plain objects), which is all GraphiQL reads of them.
    return (isUnauthenticated(response, result) ? withHint(result) : result) as SyncExecutionResult;
  };
}

function isSubscription(params: FetcherParams): boolean {
  try {
    return getOperationAST(parseDocument(params.query), params.operationName ?? undefined)?.operation === 'subscription';
  } catch {
    return false; // the gateway names what is wrong with it
  }
}

/** The stream as GraphiQL reads one: every event replaces the response pane's content. */
function subscribe(graphqlPath: string, params: FetcherParams, opts?: FetcherOpts): Observable<ExecutionResult> {
  return {
    subscribe(observer) {
      const client = createClient({
        url: graphqlPath,
        headers: { [DOCS_HEADER]: DOCS_HEADER_VALUE, ...(opts?.headers as Record<string, string> | undefined) },
        retryAttempts: 0,
      });
      const next = (value: unknown) => (observer as { next(v: ExecutionResult): void }).next(value as ExecutionResult);
      const dispose = client.subscribe(
        { query: params.query, variables: params.variables ?? undefined, operationName: params.operationName ?? undefined },
        {
          next,
          complete: () => (observer as { complete(): void }).complete(),
          // A refusal (401, 400) comes back as a network error holding the gateway's answer.
          error: (error) => {
            const message = error instanceof Error ? error.message : JSON.stringify(error);
            next({ errors: [{ message: /\b401\b/.test(message) ? `${message} — ${TOKEN_HINT}` : message }] } as never);
            (observer as { complete(): void }).complete();
          },
        },
      );
      return {
        unsubscribe() {
          dispose();
          client.dispose();
        },
      };
    },
  };
}

/** Any answer becomes a GraphQL result, so the response pane always shows what happened. */
async function parse(response: Response): Promise<GraphQLResult> {
  const text = await response.text();
  try {
    return JSON.parse(text) as GraphQLResult;
  } catch {
    return { errors: [{ message: `HTTP ${response.status} from the gateway, not a GraphQL response: ${text.slice(0, 200)}` }] };
  }
}

function isUnauthenticated(response: Response, result: GraphQLResult): boolean {
  return response.status === 401 || (result.errors ?? []).some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

function withHint(result: GraphQLResult): GraphQLResult {
  const errors = (result.errors ?? [{ message: 'Unauthenticated' }]).map((e) => ({ ...e, message: `${e.message} — ${TOKEN_HINT}` }));
  return { ...result, errors };
}
