/**
 * The default audit sink: append-only JSON-lines files on local disk.
 *
 * Each batch is one write() and one fdatasync(), so a promise resolved by writeBatch
 * means the lines survive a crash or power cut. Segments rotate by size; the chain runs
 * on across files. Opening reads only the tail: the last complete line must be a valid
 * entry (or the sink refuses to start), and a torn last line — a write cut short by a
 * crash or a full disk — is copied aside and cut off so the log can be continued,
 * reported to the caller to be recorded as a gap, never silently dropped.
 *
 * Records name officers and the people they looked up: the directory is kept 0700 and
 * every file 0600 — created so, and tightened on open when they already exist (never
 * loosened: an operator's read-only directory stays read-only).
 */
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { EMPTY_HEAD, parseChainLine, type ChainHead } from './chain.ts';
import { parseCheckpoint, type SignedCheckpoint } from './checkpoint.ts';
import {
  checkpointFilePath,
  listSegments,
  readSegmentTail,
  readSideFile,
  segmentName,
  type LogLayout,
  type SegmentFile,
} from './log-files.ts';
import type { AuditSink, RecoveredTail, TailProblem } from './sink.ts';
import { acquireWriterLock } from './writer-lock.ts';

/** The file operations the sink uses; tests inject failures (ENOSPC, EIO) through it. */
export interface SinkFs {
  open(path: string, flags: string, mode?: number): Promise<SinkFile>;
  mkdir(path: string): Promise<void>;
  /** Removes a file this sink made but could not finish (a set-aside copy on a full disk). */
  unlink(path: string): Promise<void>;
}

export interface SinkFile {
  write(buffer: Buffer): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export const nodeFs: SinkFs = {
  open: (path, flags, mode) => fsp.open(path, flags, mode) as Promise<SinkFile>,
  mkdir: async (path) => {
    await fsp.mkdir(path, { recursive: true, mode: 0o700 });
  },
  unlink: (path) => fsp.unlink(path),
};

export interface FileSinkOptions extends LogLayout {
  /** Start a new segment once the current one has reached this size. */
  maxFileBytes: number;
  fs?: SinkFs;
}

export class FileSink implements AuditSink {
  readonly #options: FileSinkOptions;
  readonly #fs: SinkFs;
  #file: SinkFile | null = null;
  #segment: SegmentFile | null = null;
  #size = 0;
  #checkpoints: SinkFile | null = null;
  #releaseLock: (() => void) | null = null;

  constructor(options: FileSinkOptions) {
    if (!(options.maxFileBytes > 0))
      throw new RangeError(`FileSink: maxFileBytes is ${options.maxFileBytes}; expected a positive number of bytes`);
    this.#options = options;
    this.#fs = options.fs ?? nodeFs;
  }

  get description(): string {
    return `files ${join(this.#options.dir, `${this.#options.prefix}-*.jsonl`)}`;
  }

  async open(): Promise<RecoveredTail> {
    await this.#closeHandles();
    await this.#fs.mkdir(this.#options.dir);
    await makePrivate(this.#options.dir);
    this.#releaseLock ??= acquireWriterLock(join(this.#options.dir, `${this.#options.prefix}.lock`));
    const segments = listSegments(this.#options);
    for (const segment of segments) await makePrivate(segment.path);
    const problems: TailProblem[] = [];
    let head: ChainHead = EMPTY_HEAD;
    for (let i = segments.length - 1; i >= 0 && head === EMPTY_HEAD; i--) {
      const found = await this.#readTail(segments[i], i === segments.length - 1, problems);
      if (found) head = found;
    }
    // A legacy single file (index 0) is continued only until it is full, like any segment.
    const current = segments.at(-1) ?? this.#segmentAt(1);
    await this.#openSegment(current);
    // 'a': the checkpoint file is only ever appended to, by this writer too.
    this.#checkpoints = await this.#fs.open(checkpointFilePath(this.#options), 'a', 0o600);
    await makePrivate(checkpointFilePath(this.#options));
    return { head, problems };
  }

  async writeBatch(lines: string[]): Promise<void> {
    if (!this.#file || !this.#segment)
      throw new Error(`audit sink ${this.description} is not open (a previous write failed or close() was called)`);
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    if (this.#options.rotate && this.#size > 0 && this.#size + bytes.length > this.#options.maxFileBytes) {
      await this.#openSegment(this.#segmentAt(this.#segment.index + 1));
    }
    const file = this.#file;
    try {
      await writeAll(file, bytes);
      await file.datasync();
      this.#size += bytes.length;
    } catch (error) {
      // A refused batch leaves no trace: cut off whatever part of it reached the file
      // (shrinking needs no free space, so this works on a full disk too). Should that
      // fail as well, the next open() sets the torn tail aside as a gap. Until then, refuse.
      this.#file = null;
      await file
        .truncate(this.#size)
        .then(() => file.datasync())
        .catch(() => undefined);
      await file.close().catch(() => undefined);
      throw error;
    }
  }

  async put(checkpoint: SignedCheckpoint): Promise<void> {
    const file = this.#checkpoints;
    if (!file) throw new Error(`audit sink ${this.description} is not open; cannot store checkpoint`);
    const size = (await file.stat()).size;
    try {
      await writeAll(file, Buffer.from(`${JSON.stringify(checkpoint)}\n`, 'utf8'));
      await file.datasync();
    } catch (error) {
      // As for a refused batch: a checkpoint cut short (a full disk) would make the file
      // unreadable to verify, so what reached it is cut off again.
      await file
        .truncate(size)
        .then(() => file.datasync())
        .catch(() => undefined);
      throw error;
    }
  }

  async lastCheckpoint(): Promise<SignedCheckpoint | null> {
    const { lines } = readSideFile(checkpointFilePath(this.#options));
    return lines.length > 0 ? parseCheckpoint(lines[lines.length - 1]) : null;
  }

  async close(): Promise<void> {
    await this.#closeHandles();
    this.#releaseLock?.();
    this.#releaseLock = null;
  }

  #segmentAt(index: number): SegmentFile {
    const name = segmentName(this.#options, index);
    return { index, name, path: join(this.#options.dir, name) };
  }

  async #openSegment(segment: SegmentFile): Promise<void> {
    await this.#file?.close();
    this.#file = null;
    const file = await this.#fs.open(segment.path, 'a', 0o600);
    await makePrivate(segment.path);
    this.#size = (await file.stat()).size;
    await this.#syncDir(); // make the new file's directory entry durable too
    this.#file = file;
    this.#segment = segment;
  }

  /** The head of one segment, setting aside a torn last line; null when it holds no entries. */
  async #readTail(segment: SegmentFile, isLast: boolean, problems: TailProblem[]): Promise<ChainHead | null> {
    const tail = readSegmentTail(segment.path);
    if (tail.torn) {
      if (!isLast)
        throw new Error(`audit log ${segment.path} ends in a torn line but is not the last segment; run \`npm run audit -- verify\``);
      problems.push(await this.#setAside(segment, tail.tornLine!, tail.torn, tail.completeBytes));
    }
    const last = tail.lastLine;
    if (last === null) return null;
    const parsed = parseChainLine(last);
    if (!parsed.ok) {
      throw new Error(
        `audit log ${segment.path}: its last line is damaged (${parsed.detail}); refusing to continue the chain — run \`npm run audit -- verify\``,
      );
    }
    return { seq: parsed.entry.seq, lineHash: parsed.lineHash };
  }

  async #setAside(segment: SegmentFile, line: number, torn: Buffer, keepBytes: number): Promise<TailProblem> {
    const movedTo = `${segment.path}.torn-${Date.now()}`;
    const aside = await this.#fs.open(movedTo, 'wx', 0o600);
    try {
      await writeAll(aside, torn);
      await aside.sync();
    } catch (error) {
      // An unfinished copy (a full disk) is not kept: each retry would leave another.
      // The torn line stays where it is until a later open() can set it aside whole.
      await aside.close().catch(() => undefined);
      await this.#fs.unlink(movedTo).catch(() => undefined);
      throw error;
    }
    await aside.close();
    const file = await this.#fs.open(segment.path, 'r+');
    try {
      await file.truncate(keepBytes);
      await file.sync();
    } finally {
      await file.close();
    }
    const sha256 = createHash('sha256').update(torn).digest('hex');
    return { reason: 'torn-tail', location: segment.name, line, bytes: torn.length, sha256, movedTo };
  }

  async #syncDir(): Promise<void> {
    const dir = await this.#fs.open(this.#options.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async #closeHandles(): Promise<void> {
    const handles = [this.#file, this.#checkpoints];
    this.#file = null;
    this.#checkpoints = null;
    await Promise.all(handles.map((h) => h?.close().catch(() => undefined)));
  }
}

/** Takes group and other permissions away (a file or directory made before, or under another umask); owner bits are left as they are. */
export async function makePrivate(path: string): Promise<void> {
  const { mode } = await fsp.stat(path);
  if ((mode & 0o077) !== 0) await fsp.chmod(path, mode & 0o7700);
}

async function writeAll(file: SinkFile, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await file.write(bytes.subarray(offset));
    if (bytesWritten <= 0) throw new Error(`write returned ${bytesWritten} bytes; expected progress`);
    offset += bytesWritten;
  }
}
