/**
 * Data source for ordinary (non-regional) subgraphs, e.g. in `--supergraph FILE` mode.
 *
 * Same semantics as @apollo/gateway's RemoteGraphQLDataSource (POST JSON; a non-2xx
 * answer is an error carrying the status and body), but over an undici keep-alive
 * pool, and identical queries in flight at the same time share one subgraph fetch
 * (see in-flight.ts). Mutations are never shared: each must run once per caller.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, Kind, OperationTypeNode, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { STATUS_CODES } from 'node:http';
import { Pool } from 'undici';
import { InFlight } from './in-flight.ts';

export interface PlainDataSourceOptions {
  name: string;
  url: string;
  /** Extra headers per request (e.g. the signed internal token). */
  headers?: (body: string, context: unknown) => Record<string, string> | Promise<Record<string, string>>;
  /**
   * What, besides the fetch itself, decides whether two callers may share an answer;
   * default `context.authorisationPartition` (callers with the same permissions).
   */
  partition?: (context: unknown) => string;
  /** Abort a fetch after this long (default: undici's own header/body timeouts). */
  timeoutMs?: number;
  /** Connections kept to the subgraph. */
  connections?: number;
}

interface RawAnswer {
  status: number;
  statusText: string;
  contentType: string;
  text: string;
}

export class PlainDataSource implements GraphQLDataSource {
  readonly url: string;
  private readonly target: URL;
  private readonly pool: Pool;
  private readonly inFlight = new InFlight<RawAnswer>();
  private sent = 0;

  constructor(private readonly options: PlainDataSourceOptions) {
    this.url = options.url;
    this.target = httpUrl(options.name, options.url);
    this.pool = new Pool(this.target.origin, { connections: options.connections ?? 64, keepAliveTimeout: 30_000 });
  }

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    if (!request.query) throw new Error(`subgraph ${this.options.name}: fetch without a query`);
    const body = JSON.stringify({
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
      extensions: request.extensions,
    });
    const inbound = Object.fromEntries(request.http?.headers ?? []);
    const send = async () => this.send(body, { ...inbound, ...(await this.options.headers?.(body, context)) });
    const document = 'document' in options ? options.document : undefined;
    const raw = isQuery(request.query, request.operationName, document)
      ? await this.inFlight.run(this.shareKey(body, context), send)
      : await send();
    return this.answer(raw);
  }

  /** Subgraph requests sent, and fetches served by joining one already in flight. */
  stats(): { sent: number; shared: number } {
    return { sent: this.sent, shared: this.inFlight.joined };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private shareKey(body: string, context: unknown): string {
    const partition =
      this.options.partition?.(context) ??
      String((context as { authorisationPartition?: string } | undefined)?.authorisationPartition ?? '');
    return `${this.url}\n${partition}\n${body}`;
  }

  private async send(body: string, headers: Record<string, string>): Promise<RawAnswer> {
    this.sent += 1;
    const signal = this.options.timeoutMs ? AbortSignal.timeout(this.options.timeoutMs) : undefined;
    const response = await this.pool.request({
      method: 'POST',
      path: this.target.pathname + this.target.search,
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body,
      signal,
    });
    const text = await response.body.text();
    const contentType = String(response.headers['content-type'] ?? '');
    return { status: response.statusCode, statusText: statusText(response.statusCode), contentType, text };
  }

  /** Each caller parses its own copy (the gateway mutates fetched data in place). */
  private answer(raw: RawAnswer): GatewayGraphQLResponse {
    const body = parseBody(raw);
    if (raw.status < 200 || raw.status > 299) throw errorFromResponse(raw, body, this.url);
    if (typeof body !== 'object' || body === null) {
      throw new Error(`subgraph ${this.options.name}: expected a JSON response body, but received: ${raw.text.slice(0, 200)}`);
    }
    return body as GatewayGraphQLResponse;
  }
}

function httpUrl(name: string, url: string): URL {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
    throw new Error(
      `subgraph ${name}: url ${JSON.stringify(url)} is not an absolute http(s) URL (expected e.g. "http://127.0.0.1:4001/graphql")`,
    );
  }
  return parsed;
}

function isQuery(query: string, operationName: string | undefined, document?: DocumentNode): boolean {
  let doc = document;
  if (!doc) {
    try {
      doc = parse(query);
    } catch {
      return false;
    }
  }
  const operations = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  return operation?.operation === OperationTypeNode.QUERY;
}

function parseBody(raw: RawAnswer): unknown {
  if (!/json/i.test(raw.contentType)) return raw.text;
  try {
    return JSON.parse(raw.text);
  } catch {
    return raw.text;
  }
}

/** As RemoteGraphQLDataSource.errorFromResponse: status in the message, the body in extensions. */
function errorFromResponse(raw: RawAnswer, body: unknown, url: string): GraphQLError {
  const code = raw.status === 401 ? 'UNAUTHENTICATED' : raw.status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${raw.status}: ${raw.statusText}`, {
    extensions: { ...(code ? { code } : {}), response: { url, status: raw.status, statusText: raw.statusText, body } },
  });
}

function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'HTTP error';
}
