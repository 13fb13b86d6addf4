/** A file written line by line with backpressure, so big outputs never pile up in memory. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export class LineFile {
  private readonly stream: WriteStream;
  bytes = 0;
  lines = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
  }

  /** Write one already-encoded chunk; resolves at once unless the stream's buffer is full. */
  async write(chunk: Buffer | string): Promise<void> {
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    this.lines++;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
