/**
 * Processes started by a test: each is started with tsx, awaited until ready, and
 * remembered so `stopAll()` (call it in `afterAll`) stops every one, whatever happened.
 */
import type { ChildProcess } from 'node:child_process';
import {
  exited,
  LISTENING,
  onLines,
  spawnTsx,
  stopChild,
  waitForHttp,
  waitForLine,
  type SpawnOptions,
} from '../../scripts/lib/children.ts';

export interface TestProcessOptions extends SpawnOptions {
  name: string;
  /** Ready when this pattern appears in the output (default: the `listening on URL` line), or when `healthUrl` answers 2xx. */
  readyLine?: RegExp;
  healthUrl?: string;
  timeoutMs?: number;
}

export interface TestProcess {
  name: string;
  child: ChildProcess;
  /** The URL from the `listening on …` line, when the process printed one. */
  url: string | null;
  /** Everything the process wrote so far (for assertions and failure messages). */
  output(): string;
  /** SIGTERM, wait for exit (SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** SIGKILL, like a crash; wait until it is gone. */
  kill(): Promise<void>;
}

const running = new Set<TestProcess>();

export async function startProcess(options: TestProcessOptions): Promise<TestProcess> {
  const child = spawnTsx(options);
  const lines: string[] = [];
  onLines(child, (line) => lines.push(line));
  const proc: TestProcess = {
    name: options.name,
    child,
    url: null,
    output: () => lines.join('\n'),
    stop: async () => {
      await stopChild(child);
      running.delete(proc);
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
      running.delete(proc);
    },
  };
  running.add(proc);
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    if (options.healthUrl) await waitForHttp(options.healthUrl, timeoutMs, options.name);
    else proc.url = (await waitForLine(child, options.readyLine ?? LISTENING, timeoutMs, options.name))[1] ?? null;
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return proc;
}

/** Stops every process still running; safe to call more than once. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}
