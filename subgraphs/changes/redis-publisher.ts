/**
 * Publishing change messages on Redis pub/sub (`liandong:changes:<REGION>`) when the
 * region runs beside a Redis the gateways also use. Best effort: a message that cannot
 * be published is dropped with a log line — the seq gap tells subscribers to drop the
 * region's cache, so a lost message costs cache hits, never freshness.
 */
import { createClient } from 'redis';
import type { Logger } from '../logger.ts';
import { changeChannel, type ChangeMessage } from '../../common/changes/protocol.ts';

export interface RedisPublisher {
  publish(message: ChangeMessage): void;
  close(): Promise<void>;
}

export async function redisPublisher(url: string, region: string, logger: Logger): Promise<RedisPublisher> {
  const client = createClient({
    url,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
    // Commands issued while disconnected fail at once instead of piling up.
    disableOfflineQueue: true,
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) logger.warn({ err: error, redis: url }, 'redis for change events unavailable; reconnecting');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info({ redis: url }, 'redis for change events reconnected');
    down = false;
  });
  await client.connect().catch((error: Error) => {
    logger.warn({ err: error, redis: url }, 'redis for change events not reachable at start; will keep trying');
  });
  const channel = changeChannel(region);
  return {
    publish(message) {
      if (!client.isReady) return;
      client.publish(channel, JSON.stringify(message)).catch(() => {
        /* the 'error' handler logged it */
      });
    },
    async close() {
      // No graceful QUIT: while reconnecting it would wait for a Redis that may never return.
      client.destroy();
    },
  };
}
