/**
 * POST/GET /graphql: hands the request to Apollo Server and writes its answer.
 * Apollo Server does the GraphQL-over-HTTP work (content negotiation between
 * application/json and application/graphql-response+json, GET rules, status codes);
 * this module only adapts node's request and response to it.
 */
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from '../context.ts';
import { readGraphQLBody } from './body.ts';
import { buildContext, type ContextHook } from './context.ts';
import { requestInfo } from './request.ts';

export interface GraphQLHandlerOptions {
  bodyLimitBytes: number;
  trustProxy: boolean;
  contextHooks: readonly ContextHook[];
}

export type GraphQLHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>;

export function graphqlHandler(apollo: ApolloServer<GatewayContext>, options: GraphQLHandlerOptions): GraphQLHandler {
  return async (req, res, requestId) => {
    const info = requestInfo(req, options.trustProxy);
    const body = req.method === 'POST' ? await readGraphQLBody(req, options.bodyLimitBytes) : undefined;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: info.method.toUpperCase(),
        headers: headerMap(req),
        search: new URL(info.url, 'http://gateway').search,
        body,
      },
      context: () => buildContext(info, requestId, options.contextHooks),
    });
    await writeResponse(res, response);
  };
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
