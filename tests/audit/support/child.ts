/** Start and stop the audited test server as a real child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./audited-server.ts', import.meta.url));

export interface Child {
  process: ChildProcess;
  url: string;
  stderr: () => string;
  /** SIGKILL if still running; resolves when it has exited. */
  stop: () => Promise<void>;
}

export async function startAuditedServer(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /READY (\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`audited server exited (${code}) before it was ready:\n${stderr}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return { process: child, url, stderr: () => stderr, stop };
}

export async function postQuery(url: string, query: string, officer = 'officer-1'): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-officer': officer },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: await response.json() };
}
