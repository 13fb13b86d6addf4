/**
 * A file-sink fs layer over the real one that can be told to behave like a full disk:
 * the next write lands only partly and the following one fails with ENOSPC — what a
 * real filesystem does when it runs out of blocks mid-batch.
 */
import { nodeFs, type SinkFile, type SinkFs } from '../../../common/log/file-sink.ts';

export class FaultyFs implements SinkFs {
  full = false;

  async mkdir(path: string): Promise<void> {
    await nodeFs.mkdir(path);
  }

  unlink(path: string): Promise<void> {
    return nodeFs.unlink(path);
  }

  async open(path: string, flags: string, mode?: number): Promise<SinkFile> {
    const file = await nodeFs.open(path, flags, mode);
    const fs = this;
    return {
      async write(buffer) {
        if (!fs.full) return file.write(buffer);
        if (buffer.length > 1) return file.write(buffer.subarray(0, Math.floor(buffer.length / 2)));
        throw enospc(path);
      },
      datasync: () => (fs.full ? Promise.reject(enospc(path)) : file.datasync()),
      sync: () => file.sync(),
      truncate: (length) => file.truncate(length),
      stat: () => file.stat(),
      close: () => file.close(),
    };
  }
}

function enospc(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}
