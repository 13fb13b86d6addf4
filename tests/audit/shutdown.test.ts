/**
 * A stop signal ends the gateway with its final signed checkpoint: the real gateway
 * process (gateway/main.ts, as `npm start` runs it) with NODE_ENV as outside tests —
 * where Apollo Server installs its own SIGINT/SIGTERM handlers and re-raises the signal —
 * gets SIGTERM, then (restarted on the same log) SIGINT. Each time the last line of
 * audit-checkpoints.jsonl must be a `close` checkpoint covering the last record, and
 * plain `npm run audit -- verify` (its region as witness) must say INTACT.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateAuditKeys, publicKeyPath } from '../../common/log/keys.ts';
import { exited } from '../../scripts/lib/children.ts';
import { regionDisclosure, type RegionDisclosure } from '../../subgraphs/disclosure/index.ts';
import { JS_REGION, smallRegion } from '../../subgraphs/testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from '../../subgraphs/testing/harness.ts';
import { createMemoryAdapter } from '../../subgraphs/testing/memory-adapter.ts';
import { writeJson } from '../support/gateway.ts';
import { startProcess, stopAll } from '../support/processes.ts';
import { tempDir } from './fixtures.ts';

const temp = tempDir('audit-shutdown');
const keysDir = join(temp.dir, 'keys');
const auditDir = join(temp.dir, 'audit');
const dataDir = join(temp.dir, 'data');
const regionsFile = join(temp.dir, 'regions.json');
const configFile = join(temp.dir, 'gateway.json');
let witness: TestSubgraph;
let disclosure: RegionDisclosure;

beforeAll(async () => {
  loadOrCreateAuditKeys(keysDir);
  // Region JS: a real subgraph server that also witnesses the gateway's checkpoints.
  disclosure = await regionDisclosure({ region: 'JS', logsDir: dataDir, gatewayAuditKeyFile: publicKeyPath(keysDir) });
  witness = await startTestSubgraph({ adapter: createMemoryAdapter(JS_REGION, smallRegion()), routes: disclosure.routes });
  writeJson(regionsFile, { regions: [{ code: 'JS', name: 'JS', url: witness.url, timeoutMs: 500 }] });
  writeJson(configFile, {
    mode: 'development',
    allowAnonymous: true,
    regions: regionsFile,
    server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 1000 },
    // Checkpoints only on open and close (and every 1000 records): what a stop leaves is the signal's doing.
    audit: { dir: auditDir, keysDir, instance: 'shutdown-gw', checkpointSeconds: 0, index: 'off' },
  });
});

afterAll(async () => {
  await stopAll();
  await witness?.close();
  await disclosure?.close();
  temp.remove();
});

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

function lastRecord(): { seq: number } {
  const segments = readdirSync(auditDir)
    .filter((f) => /^audit-\d{6}\.jsonl$/.test(f))
    .sort();
  return JSON.parse(lines(join(auditDir, segments.at(-1)!)).at(-1)!);
}

function plainVerify(): Promise<{ code: number | null; out: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/audit.ts', 'verify', '--log', auditDir, '--key', publicKeyPath(keysDir)],
    {
      env: { ...process.env, LIANDONG_REGIONS: regionsFile, LIANDONG_DATA: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

describe('gateway stop signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} ends with a close checkpoint covering the last record, and plain verify is INTACT`, async () => {
      const gateway = await startProcess({
        name: 'gateway',
        file: 'gateway/main.ts',
        args: ['--config', configFile],
        // Not "test": Apollo Server leaves signals alone under NODE_ENV=test, which hid the bug.
        env: { NODE_ENV: 'development', LIANDONG_KEYS_DIR: keysDir, LOG_LEVEL: 'error' },
      });
      for (let i = 0; i < 5; i++) {
        const response = await fetch(gateway.url!, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ regions { code } }' }),
        });
        expect(response.status).toBe(200);
      }
      gateway.child.kill(signal);
      await exited(gateway.child);
      const last = JSON.parse(lines(join(auditDir, 'audit-checkpoints.jsonl')).at(-1)!);
      expect(last).toMatchObject({ type: 'checkpoint', instance: 'shutdown-gw', event: 'close', count: lastRecord().seq });
      expect({ exitCode: gateway.child.exitCode, signal: gateway.child.signalCode }).toEqual({ exitCode: 0, signal: null });
      const verified = await plainVerify();
      expect(verified.out).toContain('INTACT');
      expect(verified.code).toBe(0);
      expect(verified.out).not.toContain('unsigned tail');
    });
  }
});
