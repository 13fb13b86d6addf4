/**
 * The worker-thread side of an export intake (intake.ts): vets the export, builds its
 * index unless one exists, and diffs it against the index in service. All of it is
 * seconds of synchronous SQLite work at full size, which is why it runs here and not on
 * the subgraph's event loop. Answers with the change events in slices (each slice is
 * decoded on the serving thread as its own task, so a diff of every row does not stall
 * it either), then once with the outcome: the index, or the failure (kind and message
 * kept, so the serving side refuses the export exactly as it would have).
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { AdapterError } from '../adapter.ts';
import { diffExports } from './diff.ts';
import { prepareIndex } from './served-export.ts';
import { EVENTS_PER_MESSAGE, type IntakeJob, type IntakeReply } from './intake.ts';

async function run(job: IntakeJob): Promise<IntakeReply> {
  try {
    const indexPath = await prepareIndex(job.exportsDir, job.indexDir, job.name);
    if (job.previousIndexPath === null) return { ok: true, indexPath };
    const db = new Database(indexPath, { readonly: true, fileMustExist: true });
    try {
      // Stamped when the diff runs, as before: just ahead of the switch to the new export.
      const events = diffExports(db, job.previousIndexPath, new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'));
      for (let i = 0; i < events.length; i += EVENTS_PER_MESSAGE) {
        parentPort!.postMessage({ events: events.slice(i, i + EVENTS_PER_MESSAGE) } satisfies IntakeReply);
      }
      return { ok: true, indexPath };
    } finally {
      db.close();
    }
  } catch (error) {
    if (error instanceof AdapterError) return { ok: false, kind: error.kind, message: error.message.replace(/^HB: /, '') };
    return { ok: false, kind: null, message: (error as Error).message ?? String(error) };
  }
}

const { job } = workerData as { job: IntakeJob };
parentPort!.postMessage(await run(job));
