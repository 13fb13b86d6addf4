/**
 * Keeps one child process running for `npm start`: starts it, waits until it is ready,
 * prefixes its output with its name, and restarts it with exponential backoff when it
 * crashes — a restart loop that never gives up, but never spins either.
 */
import type { ChildProcess } from 'node:child_process';
import { LISTENING, onLines, spawnTsx, stopChild, waitForLine, type SpawnOptions } from './children.ts';

export interface SupervisedSpec extends SpawnOptions {
  name: string;
  /** Ready when this appears in the output (default: the `listening on URL` line). */
  ready?: RegExp;
  readyTimeoutMs?: number;
  /** How long a stop waits after SIGTERM before SIGKILL (default 5 s); the gateway needs its request grace plus its final audit checkpoint. */
  stopGraceMs?: number;
}

export type Log = (line: string) => void;

const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
/** A child that stayed up this long is healthy again: its next crash restarts quickly. */
const STABLE_AFTER_MS = 60_000;

export class Supervised {
  private child: ChildProcess | null = null;
  private stopping = false;
  private backoffMs = FIRST_BACKOFF_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  /** The URL from the child's `listening on …` line. */
  url: string | null = null;

  constructor(
    private readonly spec: SupervisedSpec,
    private readonly log: Log,
  ) {}

  /** Starts the child and waits until it is ready; rejects (with its last output) if it is not. */
  async start(): Promise<void> {
    const child = spawnTsx(this.spec);
    this.child = child;
    onLines(child, (line) => this.log(`[${this.spec.name}] ${line}`));
    const match = await waitForLine(child, this.spec.ready ?? LISTENING, this.spec.readyTimeoutMs ?? 60_000, this.spec.name);
    this.url = match[1] ?? null;
    const startedAt = Date.now();
    child.once('exit', (code, signal) => this.exited(child, code ?? signal, startedAt));
  }

  private exited(child: ChildProcess, how: number | string | null, startedAt: number): void {
    if (this.stopping || this.child !== child) return;
    this.child = null;
    if (Date.now() - startedAt > STABLE_AFTER_MS) this.backoffMs = FIRST_BACKOFF_MS;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.log(`[${this.spec.name}] exited unexpectedly (${how}); restarting in ${delay / 1000} s`);
    this.restartTimer = setTimeout(() => this.restart(), delay);
  }

  private restart(): void {
    this.restartTimer = null;
    if (this.stopping) return;
    this.start().then(
      () => this.log(`[${this.spec.name}] restarted`),
      (error: Error) => this.log(`[${this.spec.name}] restart failed: ${error.message.split('\n')[0]}`),
    );
  }

  /**
   * No more restarts from now on. Call it on every child before stopping them one by
   * one: Ctrl-C in a terminal signals the whole process group, so children may exit
   * before their turn to be stopped, and that must not look like a crash.
   */
  beginStop(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
  }

  async stop(): Promise<void> {
    this.beginStop();
    if (this.child) await stopChild(this.child, this.spec.stopGraceMs);
    this.child = null;
  }
}
