/**
 * HB's system running under `npm start`: every few seconds its intake takes the 協查
 * request files out of the drop folder and publishes the next export, which carries them
 * as received (待處理, PENDING until an HB officer acts on them in HB's own system).
 * Without it the demo's HB requests would sit in the drop folder for ever.
 *
 * A turn with an empty drop folder does nothing: an export is a whole copy of HB's data,
 * published only when there is something new to carry.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hbAssistanceCycle } from './assistance.ts';
import { HB_DROP_DIR } from './format.ts';

export interface HbIntakeOptions {
  dataDir: string;
  everyMs: number;
  log: (line: string) => void;
}

async function hasDroppedRequests(dataDir: string): Promise<boolean> {
  const names = await readdir(join(dataDir, HB_DROP_DIR)).catch(() => [] as string[]);
  return names.some((n) => n.endsWith('.csv'));
}

/** Runs turns until `stop()`; `stop()` resolves once a turn in progress has finished (never half an export). */
export function runHbIntake(options: HbIntakeOptions): { stop(): Promise<void> } {
  let stopped = false;
  let turn: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const once = async () => {
    if (!(await hasDroppedRequests(options.dataDir))) return;
    // Export names go by the second: a turn within the same second as the last export waits for the next.
    const name = await hbAssistanceCycle(options.dataDir, new Date());
    options.log(`took in the drop folder; published ${name}`);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      turn = once()
        .catch((error: Error) => options.log(`intake turn failed (the files stay in the drop folder for the next): ${error.message}`))
        .finally(schedule);
    }, options.everyMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await turn;
    },
  };
}
