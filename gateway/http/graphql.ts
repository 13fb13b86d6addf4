/**
 * POST/GET /graphql: hands the request to Apollo Server and writes its answer.
 * Apollo Server does the GraphQL-over-HTTP work (content negotiation between
 * application/json and application/graphql-response+json, GET rules, status codes);
 * this module only adapts node's request and response to it.
 */
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from '../context.ts';
import { GraphQLError } from 'graphql';
import { readGraphQLBody } from './body.ts';
import { bareContext, type ContextHook } from './context.ts';
import type { HttpRequestInfo } from './request.ts';
import { HttpError } from './respond.ts';
import { requestInfo } from './request.ts';

export interface GraphQLHandlerOptions {
  bodyLimitBytes: number;
  trustProxy: boolean;
  contextHooks: readonly ContextHook[];
  /**
   * Called for a request refused before GraphQL runs (a bad token, a missing purpose,
   * an oversize body): the audit records it. If that fails, the refusal becomes
   * AUDIT_UNAVAILABLE — never answer without a record.
   */
  onRefusal?: (context: GatewayContext, error: unknown) => Promise<void>;
}

export type GraphQLHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>;

export function graphqlHandler(apollo: ApolloServer<GatewayContext>, options: GraphQLHandlerOptions): GraphQLHandler {
  return async (req, res, requestId) => {
    const info = requestInfo(req, options.trustProxy);
    const context = bareContext(info, requestId);
    const body = req.method === 'POST'
      ? await refusing(context, options, () => readGraphQLBody(req, options.bodyLimitBytes), auditUnavailableHttp)
      : undefined;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: info.method.toUpperCase(),
        headers: headerMap(req),
        search: new URL(info.url, 'http://gateway').search,
        body,
      },
      context: () => refusing(context, options, () => runHooks(context, info, options.contextHooks), auditUnavailableGraphQL),
    });
    await writeResponse(res, response);
  };
}

async function runHooks(context: GatewayContext, info: HttpRequestInfo, hooks: readonly ContextHook[]): Promise<GatewayContext> {
  for (const hook of hooks) await hook(context, info);
  return context;
}

/** Runs a step that may refuse the request; a refusal is audited before it is answered. */
const AUDIT_UNAVAILABLE_MESSAGE = 'The audit log cannot record this request, so it is refused.';
const auditUnavailableHttp = () => new HttpError(503, 'AUDIT_UNAVAILABLE', AUDIT_UNAVAILABLE_MESSAGE);
const auditUnavailableGraphQL = (context: GatewayContext) => new GraphQLError(AUDIT_UNAVAILABLE_MESSAGE, {
  extensions: { code: 'AUDIT_UNAVAILABLE', auditId: context.requestId, http: { status: 503 } },
});

async function refusing<T>(
  context: GatewayContext,
  options: GraphQLHandlerOptions,
  step: () => Promise<T>,
  auditUnavailable: (context: GatewayContext) => Error,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!options.onRefusal) throw error;
    try {
      await options.onRefusal(context, error);
    } catch {
      throw auditUnavailable(context);
    }
    throw error;
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
