/**
 * Debian's nginx in front of the gateway replicas, configured from the production file
 * (docker/nginx/nginx.conf) with only what a test on this machine must change: the
 * upstream servers become the replicas' loopback ports, the listener a free loopback
 * port, logs, pid and temporary files go to a temporary directory. Every rewrite must
 * match the template, so a template that drifts fails here instead of silently testing
 * some other configuration. Started as a non-daemon master (`daemon off;`) that stop()
 * ends (SIGQUIT: finish the requests in flight, then exit).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/children.ts';
import { freePort } from '../support/ports.ts';

export const NGINX_TEMPLATE = join(ROOT, 'docker/nginx/nginx.conf');

export const nginxMissingMessage = 'nginx is not installed (apt-get install -y nginx); skipping the multi-replica suite';

export function nginxAvailable(): boolean {
  return spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0;
}

export interface NginxHandle {
  url: string;
  /** The generated configuration (for failure messages). */
  config: string;
  /** Everything nginx wrote to its error log so far. */
  errors(): string;
  stop(): Promise<void>;
}

/** Rewrites the production config for `upstreams` (host:port each) and a listener on `port`. */
export function testNginxConfig(template: string, options: { dir: string; port: number; upstreams: string[] }): string {
  let text = template;
  const replace = (pattern: RegExp, by: string | ((...m: string[]) => string), what: string) => {
    if (!pattern.test(text)) throw new Error(`docker/nginx/nginx.conf no longer has ${what}; update tests/replicas/nginx.ts`);
    text = text.replace(pattern, by as string);
  };
  // The upstream servers: the template's server parameters (max_fails, …) kept for every replica.
  const servers = [...text.matchAll(/^(\s*)server\s+gateway-\d+:\d+(.*);$/gm)];
  if (servers.length === 0) throw new Error('docker/nginx/nginx.conf has no `server gateway-N:PORT` lines; update tests/replicas/nginx.ts');
  const [, indent, parameters] = servers[0];
  const generated = options.upstreams.map((u) => `${indent}server ${u}${parameters};`).join('\n');
  text = text.replace(/^\s*server\s+gateway-\d+:\d+.*;$(\n|$)/gm, '');
  replace(/(upstream gateways \{\n)/, `$1${generated}\n`, 'an `upstream gateways` block');
  replace(/^(\s*)listen\s+\d+;$/m, `$1listen 127.0.0.1:${options.port};`, 'a `listen PORT;` line');
  replace(/access_log \/dev\/stdout;/, `access_log ${join(options.dir, 'access.log')};`, 'access_log /dev/stdout');
  replace(/error_log \/dev\/stderr warn;/, `error_log ${join(options.dir, 'error.log')} warn;`, 'error_log /dev/stderr warn');
  // Not in a container: the pid file and temporary files go where this test may write.
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${join(options.dir, `${kind}-temp`)};`)
    .join('\n');
  replace(/^http \{\n/m, `http {\n${temp}\n`, 'an `http {` block');
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `# Generated from docker/nginx/nginx.conf by tests/replicas/nginx.ts\n${user}pid ${join(options.dir, 'nginx.pid')};\n${text}`;
}

export async function startNginx(upstreams: string[]): Promise<NginxHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-nginx-'));
  const port = await freePort();
  const config = testNginxConfig(readFileSync(NGINX_TEMPLATE, 'utf8'), { dir, port, upstreams });
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config);
  const errorLog = join(dir, 'error.log');
  const child = spawn('nginx', ['-p', dir, '-c', file, '-e', errorLog, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errors = () => {
    try {
      return readFileSync(errorLog, 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(child, `${url}/nginx-health`, () => `${output}${errors()}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, config, errors, stop };
}

async function waitUntilHealthy(child: ChildProcess, url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}) before it was ready:\n${output()}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not answer ${url} within 10 s:\n${output()}`);
}
