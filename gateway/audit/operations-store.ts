/**
 * The side store of operation texts: each distinct query text is kept once, under its
 * SHA-256, and audit records carry only the hash. Self-verifying (the key is the hash of
 * the value) and append-only, so it needs no chain of its own: the hash in each chained
 * record binds its text, and verify checks every line against its key and every hash a
 * record names against a line. Mode 0600 (query texts name people and cases).
 */
import { chmodSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname } from 'node:path';
import { operationHash } from './operation.ts';

export interface OperationStore {
  /** Resolves once the text is durable under its hash (immediately when already known). */
  remember(hash: string, text: string): Promise<void>;
  text(hash: string): Promise<string | null>;
  close(): Promise<void>;
}

export class FileOperationStore implements OperationStore {
  readonly #path: string;
  readonly #texts = new Map<string, string>();
  readonly #writing = new Map<string, Promise<void>>();
  #file: fsp.FileHandle | null = null;
  #tail: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
    if (!existsSync(path)) return;
    const bytes = readFileSync(path);
    const complete = bytes.lastIndexOf(0x0a) + 1;
    // A torn last line (a crash mid-write) would fuse with the next text into one bad
    // line; its record was never written (texts are stored first), so it is cut off.
    if (complete < bytes.length) truncateSync(path, complete);
    chmodSync(path, 0o600);
    for (const line of bytes.subarray(0, complete).toString('utf8').split('\n')) this.#load(line);
  }

  remember(hash: string, text: string): Promise<void> {
    if (this.#texts.has(hash)) return Promise.resolve();
    if (operationHash(text) !== hash) return Promise.reject(new Error(`operation hash ${hash} is not the SHA-256 of the text given`));
    let pending = this.#writing.get(hash);
    if (!pending) {
      pending = this.#append(hash, text).finally(() => this.#writing.delete(hash));
      this.#writing.set(hash, pending);
    }
    return pending;
  }

  async text(hash: string): Promise<string | null> {
    return this.#texts.get(hash) ?? null;
  }

  async close(): Promise<void> {
    await this.#tail.catch(() => undefined);
    await this.#file?.close();
    this.#file = null;
  }

  /** Appends are serialised so two new texts never interleave their bytes. */
  #append(hash: string, text: string): Promise<void> {
    const write = this.#tail
      .catch(() => undefined)
      .then(async () => {
        if (!this.#file) {
          await fsp.mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
          this.#file = await fsp.open(this.#path, 'a', 0o600);
          await this.#file.chmod(0o600);
        }
        await this.#file.write(`${JSON.stringify({ hash, text })}\n`);
        await this.#file.datasync();
        this.#texts.set(hash, text);
      });
    this.#tail = write;
    return write;
  }

  #load(line: string): void {
    try {
      const { hash, text } = JSON.parse(line) as { hash: string; text: string };
      if (typeof text === 'string' && operationHash(text) === hash) this.#texts.set(hash, text);
    } catch {
      // a torn last line from a crash: the text is written again when next seen
    }
  }
}
