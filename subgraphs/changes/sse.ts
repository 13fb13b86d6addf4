/**
 * The Server-Sent-Events side of the change stream: `GET /changes` keeps the response
 * open and receives every message as `event: <kind>` / `data: <json>`, and a keep-alive
 * comment every KEEP_ALIVE_MS whatever the feed does. Heartbeats stop while the region's
 * feed cannot be read (subscribers must know), so they cannot tell a live connection from
 * a half-open one; the comment can (gateway/cache/sse-transport.ts drops a silent one).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChangeMessage } from '../../common/changes/protocol.ts';

/** How often every open stream gets a keep-alive comment. */
export const KEEP_ALIVE_MS = 5000;

export class SseClients {
  private readonly clients = new Set<ServerResponse>();
  private keepAlive: NodeJS.Timeout | null = null;

  constructor(private readonly keepAliveMs = KEEP_ALIVE_MS) {}

  get size(): number {
    return this.clients.size;
  }

  /** Opens the stream and sends `first` (the hello) to this client only. */
  open(req: IncomingMessage, res: ServerResponse, first: ChangeMessage): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(frame(first));
    this.clients.add(res);
    this.keepAlive ??= setInterval(() => {
      for (const client of this.clients) client.write(': keep-alive\n\n');
    }, this.keepAliveMs).unref();
    const drop = () => this.clients.delete(res);
    req.once('close', drop);
    res.once('close', drop);
  }

  send(message: ChangeMessage): void {
    const text = frame(message);
    for (const res of this.clients) res.write(text);
  }

  /** Ends every stream (the server cannot close while they are open). */
  closeAll(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

function frame(message: ChangeMessage): string {
  return `event: ${message.kind}\ndata: ${JSON.stringify(message)}\n\n`;
}
