/**
 * POST/GET /graphql: hands the request to Apollo Server and writes its answer.
 * Apollo Server does the GraphQL-over-HTTP work (content negotiation between
 * application/json and application/graphql-response+json, GET rules, status codes);
 * this module adapts node's request and response to it, and keeps one promise: every
 * request to /graphql leaves exactly one audit record. A request either reaches the
 * GraphQL request pipeline (whose audit plugin records it) or is handed to `onRefusal`
 * — refused here for its shape (graphql-request.ts), refused by a context hook, or
 * answered by Apollo Server before its plugins ran.
 */
import { HeaderMap, type ApolloServer, type ApolloServerPlugin, type HTTPGraphQLResponse } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from '../context.ts';
import { GraphQLError } from 'graphql';
import { bareContext, type ContextHook } from './context.ts';
import { readGraphQLRequest } from './graphql-request.ts';
import type { HttpRequestInfo } from './request.ts';
import { HttpError } from '../../common/http/respond.ts';
import { requestInfo } from './request.ts';

export interface GraphQLHandlerOptions {
  bodyLimitBytes: number;
  trustProxy: boolean;
  /**
   * Deepest nesting accepted in `variables`; deeper is refused 400 VARIABLES_TOO_DEEP.
   * Handed in (it is `limits.maxVariablesDepth` of the config) so that http/ knows no concern.
   */
  maxVariablesDepth: number;
  contextHooks: readonly ContextHook[];
  /**
   * Called for every request that does not reach the GraphQL request pipeline: a
   * malformed request, a bad token, a missing purpose, a rate limit… It audits the
   * refusal and resolves with the error to answer with — the one given, or one that
   * replaces it (a flood of refusals from one address is answered 429). If it rejects,
   * the answer becomes AUDIT_UNAVAILABLE: never answer without a record.
   */
  onRefusal?: (context: GatewayContext, error: unknown) => Promise<unknown>;
  /** Fills in a named trusted document's text (gateway/trusted-documents); throws HttpError for an unknown id. */
  resolveParameters?: (params: Record<string, unknown>) => Record<string, unknown>;
}

export type GraphQLHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>;

/**
 * The requests (the HTTPGraphQLRequest this handler made) that reached the GraphQL
 * request pipeline, and so the audit plugin. Keyed by the request, not the context:
 * Apollo Server runs each operation on a shallow copy of the context.
 */
const reachedPipeline = new WeakSet<object>();

/**
 * Marks a request as having reached the GraphQL request pipeline. Register it on the
 * Apollo Server the handler serves: a request Apollo Server answers without it (its own
 * refusals before any plugin runs) is then audited by the handler.
 */
export function pipelineMarker(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      if (request.http) reachedPipeline.add(request.http);
    },
  };
}

export function graphqlHandler(apollo: ApolloServer<GatewayContext>, options: GraphQLHandlerOptions): GraphQLHandler {
  const limits = { bodyLimitBytes: options.bodyLimitBytes, maxVariablesDepth: options.maxVariablesDepth };
  return async (req, res, requestId) => {
    const info = requestInfo(req, options.trustProxy);
    const context = bareContext(info, requestId);
    let refused = false;
    const refuse = async (error: unknown, auditUnavailable: (context: GatewayContext) => Error): Promise<never> => {
      refused = true;
      throw await refusal(context, options, error, auditUnavailable);
    };
    // The router answers an HttpError thrown from here (with its status and code).
    const read = await readGraphQLRequest(req, limits).catch((error) => refuse(error, auditUnavailableHttp));
    let resolved: { body: unknown; search: string };
    try {
      resolved = namedDocuments(options.resolveParameters, read, new URL(info.url, 'http://gateway').search);
    } catch (error) {
      return refuse(error, auditUnavailableHttp);
    }
    const httpGraphQLRequest = {
      method: info.method.toUpperCase(),
      headers: headerMap(req),
      search: resolved.search,
      body: resolved.body,
    };
    let response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: () =>
        runHooks(context, info, options.contextHooks).catch((error) =>
          refuse(error, auditUnavailableGraphQL).catch((answer) => {
            throw asGraphQLError(answer);
          }),
        ),
    });
    if (!refused && !reachedPipeline.has(httpGraphQLRequest) && options.onRefusal)
      response = await auditApolloRefusal(context, options, response);
    await writeResponse(res, response);
  };
}

/**
 * A request that names a trusted document instead of sending its text gets the text
 * (gateway/trusted-documents), in the POST body or the GET URL alike.
 */
function namedDocuments(
  resolve: GraphQLHandlerOptions['resolveParameters'],
  body: unknown,
  search: string,
): { body: unknown; search: string } {
  if (!resolve) return { body, search };
  if (body !== undefined) return { body: resolve(body as Record<string, unknown>), search };
  const params = new URLSearchParams(search);
  const extensions = params.get('extensions');
  const given = {
    query: params.get('query') ?? undefined,
    documentId: params.get('documentId') ?? undefined,
    extensions: extensions ? JSON.parse(extensions) : undefined,
  };
  const resolvedParams = resolve(given);
  if (resolvedParams === given) return { body, search };
  params.delete('documentId');
  params.set('query', String(resolvedParams.query));
  if (resolvedParams.extensions) params.set('extensions', JSON.stringify(resolvedParams.extensions));
  else params.delete('extensions');
  return { body, search: `?${params}` };
}

async function runHooks(context: GatewayContext, info: HttpRequestInfo, hooks: readonly ContextHook[]): Promise<GatewayContext> {
  for (const hook of hooks) await hook(context, info);
  return context;
}

const AUDIT_UNAVAILABLE_MESSAGE = 'The audit log cannot record this request, so it is refused.';
const auditUnavailableHttp = () => new HttpError(503, 'AUDIT_UNAVAILABLE', AUDIT_UNAVAILABLE_MESSAGE);
const auditUnavailableGraphQL = (context: GatewayContext) =>
  new GraphQLError(AUDIT_UNAVAILABLE_MESSAGE, {
    extensions: { code: 'AUDIT_UNAVAILABLE', auditId: context.requestId, http: { status: 503 } },
  });

/** A refusal is audited before it is answered; the answer is what `onRefusal` says it is. */
async function refusal(
  context: GatewayContext,
  options: GraphQLHandlerOptions,
  error: unknown,
  auditUnavailable: (context: GatewayContext) => Error,
): Promise<unknown> {
  if (!options.onRefusal) return error;
  try {
    return await options.onRefusal(context, error);
  } catch {
    return auditUnavailable(context);
  }
}

/** Context hooks answer through Apollo Server, which takes the status and headers from `extensions.http`. */
function asGraphQLError(error: unknown): unknown {
  if (!(error instanceof HttpError)) return error;
  return new GraphQLError(error.message, {
    extensions: { code: error.code, http: { status: error.status, headers: new HeaderMap(Object.entries(error.headers)) } },
  });
}

/**
 * Apollo Server answered before its plugins ran (a check of its own that
 * graphql-request.ts did not foresee): audit that answer like any refusal.
 */
async function auditApolloRefusal(
  context: GatewayContext,
  options: GraphQLHandlerOptions,
  response: HTTPGraphQLResponse,
): Promise<HTTPGraphQLResponse> {
  const status = response.status ?? 200;
  const code = response.body.kind === 'complete' ? firstErrorCode(response.body.string) : null;
  const error = new HttpError(status, code ?? 'INTERNAL_SERVER_ERROR', 'answered by Apollo Server before the request pipeline');
  const answer = await refusal(context, options, error, auditUnavailableHttp);
  if (answer === error) return response;
  const replacement = answer as HttpError;
  return {
    status: replacement.status,
    headers: new HeaderMap([['content-type', 'application/json; charset=utf-8'], ...Object.entries(replacement.headers)]),
    body: {
      kind: 'complete',
      string: JSON.stringify({ errors: [{ message: replacement.message, extensions: { code: replacement.code } }] }),
    },
  };
}

function firstErrorCode(text: string): string | null {
  try {
    const code = (JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] }).errors?.[0]?.extensions?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

function headerMap(req: IncomingMessage): HeaderMap {
  const map = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) map.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  res.statusCode = response.status ?? 200;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  if (response.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  // Incremental delivery (@defer): stream each part as Apollo produces it.
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
