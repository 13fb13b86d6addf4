/**
 * The auditors' query index, run on a worker thread.
 *
 * Feeding SQLite with every durable batch (a row per record, per subject, per region
 * asked) cost the gateway's event loop more than writing the log itself. On its own
 * thread the inserts leave the request path: the log hands over its canonical lines as
 * they are (strings are the cheapest thing to post), and the thread parses and inserts
 * them. Queries are posted to the same thread and answered in order, so a query made
 * after a response was sent sees that response's record.
 *
 * The log stays the truth: if the thread fails, queries are refused naming why, and the
 * index is rebuilt from the log on the next start (or `npm run audit -- reindex`).
 */
import { Worker } from 'node:worker_threads';
import type { Chained } from '../../common/log/chain.ts';
import type { AuditPage, AuditQuery, IndexedRecord, OfficerSummary } from './index-store.ts';
import type { AuditEntryBody } from './record.ts';

export type IndexRequest =
  | { op: 'addLines'; lines: string[] }
  | { op: 'add'; id: number; entries: Chained<AuditEntryBody>[] }
  | { op: 'lastSeq'; id: number; instance: string }
  | { op: 'find'; id: number; query: AuditQuery; first: number; after: string | null }
  | { op: 'officers'; id: number; query: AuditQuery }
  | { op: 'byAuditId'; id: number; auditId: string }
  | { op: 'clear'; id: number }
  | { op: 'close'; id: number };

export type IndexReply =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: { name: string; message: string } }
  | { kind: 'add-failed'; message: string };

/** What the auditors' graph reads. */
export interface AuditIndexReader {
  find(query: AuditQuery, first: number, after: string | null): Promise<AuditPage>;
  officers(query: AuditQuery): Promise<OfficerSummary[]>;
  byAuditId(auditId: string): Promise<IndexedRecord | null>;
}

interface Logger {
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

type Asked = { [R in IndexRequest as R['op']]: Omit<R, 'op' | 'id'> };

export class AuditIndexThread implements AuditIndexReader {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  /** Why the thread is gone, once it is. */
  #stopped: Error | null = null;

  constructor(
    readonly path: string,
    private readonly logger?: Logger,
  ) {
    this.#worker = new Worker(new URL('./thread-boot.mjs', import.meta.url), {
      workerData: { module: new URL('./index-worker.ts', import.meta.url).href, path },
      // Not the gateway's own flags: a preload given to the gateway (`--import probe.ts`)
      // would be loaded again here, without the TypeScript loader the boot file brings.
      execArgv: [],
    });
    // Keeps the process alive only while a query waits for its answer (see #ask): the
    // gateway closes the thread at shutdown, and an idle thread must not hold a CLI open.
    this.#worker.unref();
    this.#worker.on('message', (reply: IndexReply) => this.#receive(reply));
    this.#worker.on('error', (error) => this.#stop(error));
    this.#worker.on('exit', (code) => this.#stop(new Error(`the audit index thread exited (code ${code})`)));
  }

  /** Index lines of durable entries (canonical JSON); fire and forget: a failure is logged. */
  addLines(lines: string[]): void {
    if (this.#stopped) throw this.#stopped;
    this.#worker.postMessage({ op: 'addLines', lines } satisfies IndexRequest);
  }

  add(entries: Chained<AuditEntryBody>[]): Promise<void> {
    return this.#ask('add', { entries }) as Promise<void>;
  }

  lastSeq(instance: string): Promise<number> {
    return this.#ask('lastSeq', { instance }) as Promise<number>;
  }

  find(query: AuditQuery, first: number, after: string | null): Promise<AuditPage> {
    return this.#ask('find', { query, first, after }) as Promise<AuditPage>;
  }

  officers(query: AuditQuery): Promise<OfficerSummary[]> {
    return this.#ask('officers', { query }) as Promise<OfficerSummary[]>;
  }

  byAuditId(auditId: string): Promise<IndexedRecord | null> {
    return this.#ask('byAuditId', { auditId }) as Promise<IndexedRecord | null>;
  }

  clear(): Promise<void> {
    return this.#ask('clear', {}) as Promise<void>;
  }

  /** Lets the thread finish what was posted, closes the database, ends the thread. */
  async close(): Promise<void> {
    if (this.#stopped) return;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    await this.#ask('close', {});
    await exited;
  }

  #ask<O extends Exclude<IndexRequest['op'], 'addLines'>>(op: O, args: Asked[O]): Promise<unknown> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ op, id, ...args } as IndexRequest);
    });
  }

  #receive(reply: IndexReply): void {
    if (reply.kind === 'add-failed') {
      this.logger?.warn(
        { err: reply.message, index: this.path },
        'audit query index could not take a batch; rebuild it with `npm run audit -- reindex`',
      );
      return;
    }
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(remoteError(reply.error));
  }

  #stop(cause: Error): void {
    if (this.#stopped) return;
    const closing = cause.message.endsWith('(code 0)');
    this.#stopped = new Error(`the audit query index (${this.path}) is not available: ${cause.message}`);
    if (!closing)
      this.logger?.error(
        { err: cause.message, index: this.path },
        'audit query index thread stopped; queries are refused until restart (the log is unaffected)',
      );
    for (const { reject } of this.#pending.values()) reject(this.#stopped);
    this.#pending.clear();
  }
}

/** The worker's error as the same kind here: a RangeError (a bad cursor) stays a RangeError. */
function remoteError(error: { name: string; message: string }): Error {
  const made =
    error.name === 'RangeError'
      ? new RangeError(error.message)
      : error.name === 'TypeError'
        ? new TypeError(error.message)
        : new Error(error.message);
  if (!(made instanceof RangeError || made instanceof TypeError)) made.name = error.name;
  return made;
}
