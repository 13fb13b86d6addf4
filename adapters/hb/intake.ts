/**
 * Taking in a new HB export off the serving thread. Vetting, indexing (a GBK CSV per
 * entity, 1M persons at full size) and diffing against the export in service are
 * seconds of synchronous SQLite work; on the subgraph's event loop they stalled every
 * HB lookup for that long. Here they run in a worker thread (intake-worker.ts), one per
 * intake, while the previous export keeps answering; the caller then switches to the
 * finished index in one synchronous step (adapter.ts), so no lookup ever sees a mix.
 */
import { Worker } from 'node:worker_threads';
import { AdapterError, type AdapterErrorKind, type ChangeEvent } from '../adapter.ts';

export interface IntakeJob {
  exportsDir: string;
  indexDir: string;
  name: string;
  /** The index in service, to diff against; null for the first export (no events). */
  previousIndexPath: string | null;
}

/** Change events per message from the intake thread: small enough to decode in a few ms. */
export const EVENTS_PER_MESSAGE = 500;

/** The intake thread's messages: slices of events, then one outcome. */
export type IntakeReply =
  | { events: ChangeEvent[] }
  | { ok: true; indexPath: string }
  | { ok: false; kind: AdapterErrorKind | null; message: string };

/**
 * Index export `job.name` (unless already indexed) and list what changed since the
 * previous index. Throws the worker's AdapterError as such (BAD_SOURCE_DATA refuses the
 * export); anything else as an Error naming the export.
 */
export function takeIn(job: IntakeJob): Promise<{ indexPath: string; events: ChangeEvent[] }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(new URL('../support/thread-boot.mjs', import.meta.url), {
      workerData: { module: new URL('./intake-worker.ts', import.meta.url).href, job },
      // Not the subgraph's own flags: a preload given to it would run again here
      // without the TypeScript loader the boot file brings.
      execArgv: [],
    });
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    const events: ChangeEvent[] = [];
    worker.on('message', (reply: IntakeReply) => {
      if ('events' in reply) {
        for (const event of reply.events) events.push(event);
        return;
      }
      settle(() => {
        if (reply.ok) resolve({ indexPath: reply.indexPath, events });
        else if (reply.kind) reject(new AdapterError(reply.kind, 'HB', reply.message));
        else reject(new Error(`HB export ${job.name}: intake failed: ${reply.message}`));
      });
    });
    worker.once('error', (error) =>
      settle(() => reject(new Error(`HB export ${job.name}: the intake thread failed: ${error.message}`, { cause: error }))),
    );
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`HB export ${job.name}: the intake thread exited (code ${code}) without an answer`))),
    );
  });
}
