/**
 * A region's change publisher: polls the adapter's change feed and sends every change
 * (assistance requests read back, and those newly overdue: assistance.ts), and a heartbeat
 * after successful polls, to the SSE clients of `GET /changes` and —
 * when a Redis URL is given — to the region's Redis channel.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ChangeEvent, RegionAdapter } from '../../adapters/adapter.ts';
import type { Logger } from '../logger.ts';
import { ChangeActions } from './actions.ts';
import { AssistanceNews } from './assistance.ts';
import { pollChanges } from './poller.ts';
import type { ChangeMessage } from '../../common/changes/protocol.ts';
import { redisPublisher, type RedisPublisher } from './redis-publisher.ts';
import { SseClients } from './sse.ts';

export interface ChangePublisherOptions {
  /** How often the adapter's feed is polled (default 200 ms). */
  pollMs?: number;
  /** Longest gap between heartbeats while polls succeed (default 2000 ms). */
  heartbeatMs?: number;
  /** Also publish on Redis pub/sub `liandong:changes:<REGION>`. */
  redisUrl?: string;
  /** Assistance requests' overdue announcements (assistance.ts): where they are remembered, how often deadlines are checked. */
  assistance?: { overdueFile: string | null; checkMs?: number };
  logger: Logger;
}

export interface ChangePublisher {
  /** Serves `GET /changes` as an SSE stream. */
  serve(req: IncomingMessage, res: ServerResponse): void;
  /**
   * Calls `listener` with every message as it is sent, synchronously (the region's
   * membership filter adds a change's keys before the next message can go out).
   */
  listen(listener: (message: ChangeMessage) => void): () => void;
  /** The epoch and the seq of the last message sent. */
  position(): { epoch: string; seq: number };
  /**
   * The adapter feed's position up to which every change has been sent (poller.ts), null
   * before the first successful poll: what a membership filter snapshot covers.
   */
  feedPosition(): string | null;
  close(): Promise<void>;
}

export const DEFAULT_POLL_MS = 200;
export const DEFAULT_HEARTBEAT_MS = 2000;

export async function startChangePublisher(adapter: RegionAdapter, options: ChangePublisherOptions): Promise<ChangePublisher> {
  const region = adapter.region.code;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const epoch = randomUUID();
  let seq = 0;
  let lastHeartbeat = 0;
  let polledAt: string | null = null;
  const sse = new SseClients();
  const redis: RedisPublisher | null = options.redisUrl ? await redisPublisher(options.redisUrl, region, options.logger) : null;

  const listeners = new Set<(message: ChangeMessage) => void>();
  const send = (message: ChangeMessage) => {
    for (const listener of listeners) listener(message);
    sse.send(message);
    redis?.publish(message);
  };
  const next = () => ({ region, epoch, seq: ++seq });
  const actions = new ChangeActions(adapter);
  const assistance = new AssistanceNews(adapter.assistance, region, {
    overdueFile: options.assistance?.overdueFile ?? null,
    checkMs: options.assistance?.checkMs,
    logger: options.logger,
  });
  const poller = pollChanges(
    adapter.changes,
    options.pollMs ?? DEFAULT_POLL_MS,
    {
      resynced() {
        send({ kind: 'resync', ...next(), reason: `${region}'s change log restarted (its database was replaced or restored)` });
      },
      async polled(polled: ChangeEvent[]) {
        // Requests past their deadline first: if reading the changes then fails, they are found
        // again at the next check (a check that cannot read gives none and is retried later).
        // Only while a gateway can hear them (messages are never replayed): an announcement made
        // before any follower connected — right after a restart — would be remembered yet never seen.
        const overdue = sse.size > 0 || redis ? await assistance.overdue() : [];
        // Notices and alerts say whether they were issued, changed or lifted, requests what happened (read back from the region).
        const changes = await assistance.annotate(await actions.annotate(polled));
        polledAt = new Date().toISOString();
        for (const event of [...changes, ...overdue]) send({ kind: 'change', ...next(), event });
        assistance.announced(overdue);
        if (Date.now() - lastHeartbeat >= heartbeatMs) {
          lastHeartbeat = Date.now();
          send({ kind: 'heartbeat', ...next(), at: new Date(lastHeartbeat).toISOString() });
        }
      },
    },
    options.logger,
  );

  return {
    serve(req, res) {
      // The hello carries the current seq without consuming one: the next message continues it.
      sse.open(req, res, { kind: 'hello', region, epoch, seq, heartbeatMs, polledAt });
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    position: () => ({ epoch, seq }),
    feedPosition: () => poller.position(),
    async close() {
      poller.stop();
      sse.closeAll();
      await redis?.close();
    },
  };
}
