/**
 * The two ways a client subscribes, both ending in openSubscription (subscribe.ts):
 *
 * - GraphQL over SSE (`graphql-sse`, distinct-connections mode): `POST /graphql` with
 *   `Accept: text/event-stream`; the bearer token and X-Purpose are ordinary headers;
 *   `Last-Event-ID` (or `extensions.lastEventId`) resumes. The body is read under the
 *   server's body limit before the library sees it.
 * - WebSocket (`graphql-ws`) on `/graphql`: the token and purpose go in the
 *   `connection_init` payload (`{ authorization, "x-purpose" }`, browsers cannot set
 *   headers on a WebSocket); `extensions.lastEventId` of a subscribe message resumes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { createHandler } from 'graphql-sse';
import { useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { HttpError } from '../../common/http/respond.ts';
import { readBody } from '../http/body.ts';
import { requestInfo, type HttpRequestInfo } from '../http/request.ts';
import { asHttpError, type Opened, type SubscribeRequest } from './subscribe.ts';
import type { LiveSubscription } from './subscription.ts';

/** Opens a subscription, or refuses it (audited); an HttpError is a request that could not be read. */
export type Open = (info: HttpRequestInfo, request: SubscribeRequest | HttpError, lastEventId: string | null) => Promise<Opened>;

export interface TransportOptions {
  bodyLimitBytes: number;
  trustProxy: boolean;
}

/** Whether a request to /graphql is an event-stream subscription (and not a query). */
export function isEventStreamRequest(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').split(',')[0].trim() === 'text/event-stream';
}

/** A client that stops reading is cut off this long after it was told SLOW_CONSUMER. */
const SLOW_CLIENT_GRACE_MS = 5000;

export function sseTransport(open: Open, options: TransportOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const subscriptions = new WeakMap<IncomingMessage, LiveSubscription>();
  const handler = createHandler<IncomingMessage, { res: ServerResponse }>({
    // Distinct connections only: a token-reserved single connection would outlive the bearer token's checks.
    authenticate: () => null,
    async onSubscribe(req, params) {
      const info = requestInfo(req.raw, options.trustProxy);
      const header = req.raw.headers['last-event-id'];
      const lastEventId = (typeof header === 'string' ? header : null) ?? lastEventIdOf(params.extensions);
      const opened = await open(info, params, lastEventId);
      if ('refused' in opened) return refusal(opened.refused);
      opened.subscription.trackWrites();
      subscriptions.set(req.raw, opened.subscription);
      return opened.subscription;
    },
  });
  return async (req, res) => {
    let body: Buffer;
    try {
      body = await readBody(req, options.bodyLimitBytes);
    } catch (error) {
      const opened = await open(requestInfo(req, options.trustProxy), asHttpError(error), null);
      const [text, init] = refusal('refused' in opened ? opened.refused : asHttpError(error));
      res.writeHead(init.status, init.statusText, init.headers);
      res.end(text);
      return;
    }
    const [stream, init] = await handler({
      method: req.method ?? 'POST',
      url: req.url ?? '/',
      headers: { get: (key) => headerText(req.headers[key]) },
      body: () => Promise.resolve(body.toString('utf8')),
      raw: req,
      context: { res },
    });
    if (!stream || typeof stream === 'string') {
      res.writeHead(init.status, init.statusText, init.headers);
      res.end(stream);
      return;
    }
    // A proxy in front (nginx, docker/nginx/nginx.conf) must pass each event on as it comes.
    res.writeHead(init.status, init.statusText, { ...init.headers, 'x-accel-buffering': 'no' });
    const stop = () => void stream.return(undefined);
    res.once('close', stop);
    const subscription = subscriptions.get(req);
    if (subscription) subscription.onEnd = () => setTimeout(() => res.destroy(), SLOW_CLIENT_GRACE_MS).unref();
    for await (const chunk of stream) {
      if (!res.writable) break;
      // graphql-sse queues results as they come; counting those written lets the
      // subscription's bound (live.queueLimit) cover what waits here for a slow client.
      await new Promise<void>((resolve, reject) => res.write(chunk, (error) => (error ? reject(error) : resolve())));
      if (chunk.startsWith('event: next')) subscription?.written();
    }
    res.off('close', stop);
    res.end();
  };
}

export interface WebSocketTransport {
  /** Takes over an HTTP upgrade to /graphql. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** The `connection_init` payload as headers (token, purpose), with the upgrade request's user agent. */
function initInfo(request: IncomingMessage, connectionParams: unknown, trustProxy: boolean): HttpRequestInfo {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries((connectionParams ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  const base = requestInfo(request, trustProxy);
  return { ...base, method: 'POST', headers: { ...headers, 'user-agent': base.headers['user-agent'] } };
}

/**
 * A message over the body limit: `ws` refuses it itself (close 1009) and emits an error,
 * which graphql-ws would log as an internal error. It is the client's, not ours: it takes
 * the audited refusal path instead, as an oversize SSE body does — under the caller named
 * in `connection_init` when one was sent.
 */
function refuseOversizeMessages(ws: WebSocket, refuse: () => void): void {
  const emit = ws.emit.bind(ws);
  ws.emit = ((event: string, ...args: unknown[]) => {
    if (event === 'error' && (args[0] as { code?: string } | undefined)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      refuse();
      return true;
    }
    return emit(event, ...args);
  }) as WebSocket['emit'];
}

export function wsTransport(open: Open, options: TransportOptions, schema: () => GraphQLSchema | null): WebSocketTransport {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.bodyLimitBytes });
  const initParams = new WeakMap<WebSocket, unknown>();
  const server = serveGraphqlWs(
    {
      onConnect(ctx) {
        initParams.set(ctx.extra.socket, ctx.connectionParams);
      },
      // The stream is already made by onSubscribe; graphql-ws only iterates it.
      subscribe: (args) => (args.contextValue as { stream: AsyncIterableIterator<never> }).stream,
      async onSubscribe(ctx, _id, payload) {
        const info = initInfo(ctx.extra.request, ctx.connectionParams, options.trustProxy);
        const opened = await open(info, payload, lastEventIdOf(payload.extensions));
        if ('refused' in opened) {
          return [
            new GraphQLError(opened.refused.message, {
              extensions: { code: opened.refused.code, http: { status: opened.refused.status } },
            }),
          ];
        }
        return {
          schema: schema()!,
          document: parse(payload.query),
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: { stream: opened.subscription },
        };
      },
    },
    wss,
  );
  return {
    upgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => {
        refuseOversizeMessages(ws, () => {
          const info = initInfo(req, initParams.get(ws), options.trustProxy);
          // The client has been told already (close 1009); this is the record of it.
          const refused = new HttpError(
            413,
            'PAYLOAD_TOO_LARGE',
            `A WebSocket message exceeds the limit of ${options.bodyLimitBytes} bytes.`,
          );
          void open(info, refused, null);
        });
        wss.emit('connection', ws, req);
      });
    },
    async close() {
      await server.dispose();
    },
  };
}

function lastEventIdOf(extensions: unknown): string | null {
  const value = (extensions as { lastEventId?: unknown } | null | undefined)?.lastEventId;
  return typeof value === 'string' ? value : null;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function refusal(error: HttpError): readonly [string, { status: number; statusText: string; headers: Record<string, string> }] {
  return [
    JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] }),
    { status: error.status, statusText: error.code, headers: { 'content-type': 'application/json; charset=utf-8' } },
  ];
}
