/**
 * The Server-Sent-Events side of the change stream: `GET /changes` keeps the response
 * open and receives every message as `event: <kind>` / `data: <json>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChangeMessage } from '../../common/changes/protocol.ts';

export class SseClients {
  private readonly clients = new Set<ServerResponse>();

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
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

function frame(message: ChangeMessage): string {
  return `event: ${message.kind}\ndata: ${JSON.stringify(message)}\n\n`;
}
