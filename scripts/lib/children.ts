/**
 * Child processes running TypeScript entry points with tsx: start one, wait until it is
 * ready (a line on its output, or a health URL answering), stop it cleanly. Shared by
 * `npm start` (scripts/start.ts) and the integration tests (tests/support/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnOptions {
  /** Entry point, relative to the repository root (`gateway/main.ts`). */
  file: string;
  args?: readonly string[];
  /** Flags for node itself, before the entry point (e.g. the gateway's GATEWAY_NODE_FLAGS). */
  nodeArgs?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
}

/** Starts `node NODE_ARGS --import tsx FILE ARGS` from the repository root, stdout and stderr piped. */
export function spawnTsx(options: SpawnOptions): ChildProcess {
  return spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.file, ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Calls `onLine` for every complete line the child writes to stdout or stderr. */
export function onLines(child: ChildProcess, onLine: (line: string, stream: 'stdout' | 'stderr') => void): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    let pending = '';
    child[stream]?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line, stream);
    });
  }
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Resolves with the first match of `pattern` in the child's output (e.g. its
 * `listening on http://…` line); rejects if the child exits first or `timeoutMs` passes,
 * with the child's last output in the message.
 */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, name: string): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    const finish = (error: Error | null, match?: RegExpMatchArray) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(match!);
    };
    const describeTail = () => (tail.length ? `; last output:\n${tail.join('\n')}` : '; no output');
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`${name} exited (${code ?? signal}) before it was ready${describeTail()}`));
    const timer = setTimeout(() => finish(new Error(`${name} not ready within ${timeoutMs} ms${describeTail()}`)), timeoutMs);
    child.once('exit', onExit);
    onLines(child, (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      const match = line.match(pattern);
      if (match) finish(null, match);
    });
  });
}

/** Polls `url` until it answers with a 2xx status. */
export async function waitForHttp(url: string, timeoutMs: number, name: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name}: ${url} not ready within ${timeoutMs} ms (${last})`);
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** The `listening on http://…` line every Liandong process prints when it is ready. */
export const LISTENING = /listening on (https?:\/\/[^\s"]+)/;
