/**
 * Subscribing to a started gateway with the reference clients, as an application would:
 * graphql-sse's and graphql-ws's `createClient`. Each subscription collects what it
 * receives, and `next(predicate)` waits (with a deadline) for a matching result.
 */
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { JS_DB_PATH } from '../../standins/js/schema.ts';
import type { Officer } from './system.ts';

export interface Received {
  data?: any;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }>;
  extensions?: Record<string, any>;
}

export interface LiveSubscription {
  received: Received[];
  /** When each result arrived (`performance.now()`), index for index with `received`: for printed latencies only. */
  receivedAt: number[];
  /** The error the client reported (a refused subscribe, a broken connection), if any. */
  error: unknown;
  completed: boolean;
  /** Waits for a result `match` accepts (checking those already received first). */
  next(match: (result: Received) => boolean, deadlineMs?: number): Promise<Received>;
  /** Resolves once the client saw the stream end (complete or error). */
  ended(deadlineMs?: number): Promise<void>;
  close(): void;
}

export interface SubscribeOptions {
  as: Officer;
  keysDir: string;
  ttlSeconds?: number;
  lastEventId?: string;
}

export async function officerHeaders(keysDir: string, as: Officer, ttlSeconds = 600): Promise<Record<string, string>> {
  const token = await mintDevToken(keysDir, {
    sub: as.sub ?? `TEST-${as.roles.join('-')}`,
    region: as.region ?? 'JS',
    roles: as.roles,
    ttlSeconds,
  });
  return { authorization: `Bearer ${token}`, 'x-purpose': as.purpose ?? 'patrol-check: live test' };
}

interface Collector {
  sub: LiveSubscription;
  sink: { next(r: any): void; error(e: unknown): void; complete(): void };
  /** What `sub.close()` does: unsubscribe and dispose of the client. */
  onClose(dispose: () => void): void;
}

function collector(): Collector {
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  let dispose = () => {};
  const sub: LiveSubscription = {
    received: [],
    receivedAt: [],
    error: null,
    completed: false,
    async next(match, deadlineMs = 10_000) {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const found = sub.received.find(match);
        if (found) return found;
        if (sub.completed || sub.error)
          throw new Error(
            `the stream ended (${JSON.stringify(sub.error ?? 'complete')}) before a matching result; got ${JSON.stringify(sub.received)}`,
          );
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching result within ${deadlineMs} ms; got ${JSON.stringify(sub.received)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, left);
          function done() {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
        });
      }
    },
    async ended(deadlineMs = 10_000) {
      const deadline = Date.now() + deadlineMs;
      while (!sub.completed && !sub.error) {
        if (Date.now() > deadline) throw new Error(`the stream did not end within ${deadlineMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => dispose(),
  };
  return {
    sub,
    onClose: (d) => {
      dispose = d;
    },
    sink: {
      next: (r) => {
        sub.received.push(r);
        sub.receivedAt.push(performance.now());
        poke();
      },
      error: (e) => {
        sub.error = e instanceof Error ? e.message : e;
        poke();
      },
      complete: () => {
        sub.completed = true;
        poke();
      },
    },
  };
}

/** The user agent each test client sends: a pushed event's audit record must name the subscriber's, not the gateway's own loopback call's. */
export const SUBSCRIBER_AGENTS = { sse: 'liandong-live-test (graphql-sse)', ws: 'liandong-live-test (graphql-ws)' } as const;

/** Subscribes over GraphQL-over-SSE (graphql-sse's client, distinct connections, no retries). */
export async function sseSubscribe(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown>,
  options: SubscribeOptions,
): Promise<LiveSubscription> {
  const headers = await officerHeaders(options.keysDir, options.as, options.ttlSeconds);
  if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
  const client = createSseClient({ url: gatewayUrl, headers: { ...headers, 'user-agent': SUBSCRIBER_AGENTS.sse }, retryAttempts: 0 });
  const { sub, sink, onClose } = collector();
  const unsubscribe = client.subscribe({ query, variables }, sink);
  onClose(() => {
    unsubscribe();
    client.dispose();
  });
  return sub;
}

/** A WebSocket whose upgrade request names the test client's user agent. */
class AgentWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { headers: { 'user-agent': SUBSCRIBER_AGENTS.ws } });
  }
}

/** Subscribes over WebSocket (graphql-ws's client; token and purpose in connection_init). */
export async function wsSubscribe(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown>,
  options: SubscribeOptions,
): Promise<LiveSubscription> {
  const headers = await officerHeaders(options.keysDir, options.as, options.ttlSeconds);
  const client = createWsClient({
    url: gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: AgentWebSocket,
    connectionParams: headers,
    retryAttempts: 0,
    lazy: true,
  });
  const { sub, sink, onClose } = collector();
  const unsubscribe = client.subscribe(
    { query, variables, ...(options.lastEventId ? { extensions: { lastEventId: options.lastEventId } } : {}) },
    sink,
  );
  onClose(() => {
    unsubscribe();
    void client.dispose();
  });
  return sub;
}

/** The gateway's count of open subscriptions (its /metrics gauge). */
export async function liveGauge(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  return Number(/^liandong_live_subscribers (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Repeats `probe` until it holds or `deadlineMs` passes (then throws). */
export async function waitFor(probe: () => Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Issues a wanted notice in JS the way JS's own application would: a row in its database (its triggers log the change). */
export function issueJsNotice(dataDir: string, noticeId: string, idNumber: string, caseId: string | null = null): void {
  const db = new Database(join(dataDir, JS_DB_PATH));
  try {
    // A new notice, never edited since issue (updated = issued), optionally behind a JS case (its local id).
    db.prepare(
      `INSERT INTO t_wanted (notice_id, id_no, status_code, reason, case_id, issued_at, updated_at)
       SELECT ?, ?, '1', 'live subscription test', ?, issued_at, issued_at FROM t_wanted LIMIT 1`,
    ).run(noticeId, idNumber, caseId);
  } finally {
    db.close();
  }
}

/** A person written into JS's own database the way JS's application would (its triggers log the change). */
export function addJsPerson(dataDir: string, localId: string, idNumber: string): void {
  const db = new Database(join(dataDir, JS_DB_PATH));
  try {
    db.prepare('INSERT INTO t_person VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      localId,
      idNumber,
      '過濾測試',
      '1',
      '1990-01-01',
      null,
      null,
      new Date().toISOString(),
    );
  } finally {
    db.close();
  }
}
