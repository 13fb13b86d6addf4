/**
 * The README's example commands, run as written against `npm start`.
 *
 * Starts the whole system with scripts/start.ts on free ports and a fresh data directory
 * (as tests/integration/start.test.ts does), takes every ```sh block of README.md that
 * sends a request (`curl`), and runs it in bash with only what the README tells the
 * reader to set: `TOKEN`, the printed token of the role the block's `# role:` line names,
 * and the gateway's port in place of 4000. Each must answer with data and no error: an
 * example that needs another role's scope, a value missing from the demo data or a
 * purpose the gateway refuses fails here, not in front of a newcomer.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/children.ts';
import { demoRegistryOnFreePorts } from '../support/ports.ts';
import { startProcess, stopAll, type TestProcess } from '../support/processes.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'liandong-readme-'));

interface ReadmeExample {
  role: string;
  /** The block's first line, for failure messages. */
  title: string;
  command: string;
}

/** The README's request examples: ```sh blocks holding a curl command, each naming its role. */
function readmeExamples(): ReadmeExample[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .filter((block) => /^\s*curl\s/m.test(block))
    .map((block) => {
      const role = /^# role: ([a-z-]+)/m.exec(block)?.[1];
      if (!role) throw new Error(`README.md: a curl example does not say which demo role it is for ("# role: …" line):\n${block}`);
      return { role, title: block.split('\n')[0], command: block };
    });
}

/** The demo tokens npm start printed, by role (`  patrol-officer (JS-0420017, JS):\n    eyJ…`). */
function printedTokens(output: string): Map<string, string> {
  return new Map([...output.matchAll(/^\s+([a-z-]+) \([^)]*\):\s*\n\s+(eyJ\S+)/gm)].map((m) => [m[1], m[2]]));
}

let start: TestProcess;
let gatewayOrigin: string;
let tokens: Map<string, string>;

beforeAll(async () => {
  const { file: regionsFile } = await demoRegistryOnFreePorts(dir);
  start = await startProcess({
    name: 'npm start',
    file: 'scripts/start.ts',
    readyLine: /Ctrl-C stops everything/,
    timeoutMs: 90_000,
    env: {
      PORT: '0',
      LIANDONG_REGIONS: regionsFile,
      LIANDONG_DATA: join(dir, 'data'),
      LIANDONG_KEYS_DIR: join(dir, 'keys'),
      AUDIT_DIR: join(dir, 'audit'),
      AUDIT_KEY_DIR: join(dir, 'keys'),
      LOG_LEVEL: 'warn',
    },
  });
  gatewayOrigin = new URL(/GraphiQL: (http:\/\/\S+)/.exec(start.output())![1]).origin;
  tokens = printedTokens(start.output());
}, 120_000);

afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe("README.md's example commands", () => {
  const examples = readmeExamples();

  it('are there, one request per block, each for a demo role npm start prints a token for', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const example of examples) {
      expect(example.command.match(/^\s*curl\s/gm), example.title).toHaveLength(1);
      expect([...tokens.keys()], example.title).toContain(example.role);
    }
  });

  // In README order: the auditor's example reads the accesses the earlier ones made.
  it.each(examples.map((e) => [e.title, e] as const))('%s answers with data and no errors', async (_title, example) => {
    const command = example.command.replaceAll('http://127.0.0.1:4000', gatewayOrigin);
    expect(command, 'the example names the gateway at http://127.0.0.1:4000').not.toBe(example.command);
    const { stdout } = await run('bash', ['-eo', 'pipefail', '-c', command], {
      cwd: ROOT,
      env: { ...process.env, TOKEN: tokens.get(example.role)! },
    });
    const reply = JSON.parse(stdout) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    expect(reply.errors, JSON.stringify(reply.errors)).toBeUndefined();
    expect(reply.data).toBeTruthy();
    for (const [field, value] of Object.entries(reply.data!)) expect(value, field).not.toBeNull();
  });
});
