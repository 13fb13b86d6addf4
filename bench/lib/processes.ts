/**
 * Child processes for the benchmark: start a contender, wait for it to answer, read
 * its CPU time from /proc (so we can report CPU-seconds per request beside req/s),
 * and stop it. Every process started here is killed on exit, whatever happens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

export interface Running {
  name: string;
  pid: number;
  url: string;
  /** The last few KiB the process wrote (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export { freePort } from '../../scripts/lib/ports.ts';

/** Spawn `command args` and resolve once `ready()` succeeds (polled), or reject after timeoutMs. */
export async function startProcess(
  name: string,
  command: string,
  args: string[],
  opts: { url: string; ready: (output: string) => Promise<boolean>; env?: Record<string, string>; timeoutMs?: number },
): Promise<Running> {
  // Every contender runs as deployed (docker/Dockerfile sets NODE_ENV=production): graphql-js and Apollo
  // Server skip their development-time checks there (graphql's cross-realm instanceOf on every type test).
  const env = { ...process.env, NODE_ENV: 'production', ...opts.env };
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  started.add(child);
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${log}`);
    if (await opts.ready(log).catch(() => false)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (Date.now() >= deadline) {
    child.kill('SIGKILL');
    throw new Error(`${name} was not ready within ${opts.timeoutMs ?? 60_000} ms:\n${log}`);
  }
  return {
    name,
    pid: child.pid!,
    url: opts.url,
    output: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          started.delete(child);
          resolve();
        });
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/**
 * Starts several processes at once, in the order given, pushing each onto `into` as it
 * comes up (so the caller's `finally` stops whatever did start, even if another failed).
 */
export async function startAll(into: Running[], starters: Array<() => Promise<Running>>): Promise<Running[]> {
  const results = await Promise.allSettled(
    starters.map(async (start) => {
      const r = await start();
      into.push(r);
      return r;
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<Running>).value);
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds a process (and its reaped children) has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11..14] = utime, stime, cutime, cstime (stat fields 14–17)
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return ticks / TICKS_PER_SECOND;
}

/** Resident set size of a process in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export const TSX = ['--import', 'tsx'];
