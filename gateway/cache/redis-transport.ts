/**
 * Follows every region's change channel (`liandong:changes:<REGION>`) on one Redis
 * subscriber connection. A reconnect resubscribes (node-redis does it) and counts as a
 * reopened stream for every region: messages published meanwhile are gone.
 */
import { createClient } from 'redis';
import type { Logger } from 'pino';
import { changeChannel, parseChangeMessage } from '../../common/changes/protocol.ts';
import type { RegionStream } from './region-stream.ts';

export class RedisTransport {
  private readonly client;
  private readonly streams = new Map<string, RegionStream>();
  private down = false;

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    this.client = createClient({
      url,
      socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
    });
    this.client.on('error', (error: Error) => {
      if (!this.down) logger.warn({ err: error, redis: url }, 'cache: Redis change channel lost; reconnecting');
      this.down = true;
      for (const stream of this.streams.values()) stream.closed();
    });
    this.client.on('ready', () => {
      this.down = false;
      for (const stream of this.streams.values()) stream.opened();
    });
    this.client.connect().catch(() => {
      /* the 'error' handler reported it; reconnection continues */
    });
  }

  follow(stream: RegionStream): { stop(): void } {
    const channel = changeChannel(stream.region);
    this.streams.set(stream.region, stream);
    const listener = (text: string) => {
      const parsed = parseChangeMessage(text);
      if ('message' in parsed) stream.receive(parsed.message);
      else this.logger.warn({ channel, problem: parsed.problem }, 'cache: ignored a malformed change message');
    };
    this.client
      .subscribe(channel, listener)
      .then(() => {
        if (this.client.isReady) stream.opened();
      })
      .catch(() => {
        /* resubscribed on reconnect */
      });
    return {
      stop: () => {
        this.streams.delete(stream.region);
        stream.closed();
        this.client.unsubscribe(channel, listener).catch(() => {});
      },
    };
  }

  async close(): Promise<void> {
    // No graceful QUIT: while reconnecting it would wait for a Redis that may never return.
    this.client.destroy();
  }
}
