/**
 * Start the GZ stand-in as a real child process (for tests, `npm start` and benches)
 * and wait until it prints its address. Port 0 picks a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const READY = /listening on (http:\/\/127\.0\.0\.1:(\d+))/;

export interface GzStandinOptions {
  dataDir: string;
  port?: number;
  latencyMs?: number;
}

export interface GzStandin {
  url: string;
  port: number;
  /** SIGTERM and wait for a clean exit; resolves with the exit code (null when killed by a signal). */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash) and wait for the process to be gone. */
  kill(): Promise<number | null>;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export function startGzStandin(options: GzStandinOptions): Promise<GzStandin> {
  const args = [
    '--import',
    'tsx',
    SERVER,
    '--port',
    String(options.port ?? 0),
    '--data',
    options.dataDir,
    '--latency-ms',
    String(options.latencyMs ?? 0),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const signal = (name: NodeJS.Signals) => () => {
    child.kill(name);
    return exited(child);
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = READY.exec(stdout);
      if (match) resolve({ url: match[1], port: Number(match[2]), stop: signal('SIGTERM'), kill: signal('SIGKILL') });
    });
    child.once('exit', (code, sig) => reject(new Error(`GZ stand-in exited (${code ?? sig}) before it was ready: ${stderr.trim()}`)));
    child.once('error', reject);
  });
}
