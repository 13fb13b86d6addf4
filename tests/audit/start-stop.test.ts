/**
 * `npm start`'s Ctrl-C: SIGINT to the whole process group (scripts/start.ts, the GZ
 * stand-in, the three subgraphs and the gateway at once, as a terminal sends it) must
 * still end the audit log with the gateway's signed `close` checkpoint covering its last
 * record, and plain verify (the regions' witness logs read from the data directory,
 * since the regions are down by then) must say INTACT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publicKeyPath } from '../../common/log/keys.ts';
import { ROOT, exited, waitForLine } from '../../scripts/lib/children.ts';
import { writeJson } from '../support/gateway.ts';
import { freePort } from '../support/ports.ts';
import { seedData } from '../support/system.ts';
import { tempDir } from './fixtures.ts';

const temp = tempDir('audit-start-stop');
let group: ChildProcess | null = null;
let dataDir: string | null = null;

afterAll(async () => {
  if (group?.pid && group.exitCode === null && group.signalCode === null) {
    process.kill(-group.pid, 'SIGKILL');
    await exited(group);
  }
  temp.remove();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('npm start, Ctrl-C', () => {
  it('SIGINT to the whole process group ends with the close checkpoint, and plain verify is INTACT', async () => {
    dataDir = await seedData();
    const [gatewayPort, js, gz, hb, gzStandin] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const keysDir = join(temp.dir, 'keys');
    const auditDir = join(temp.dir, 'audit');
    const regionsFile = join(temp.dir, 'regions.json');
    const configFile = join(temp.dir, 'gateway.json');
    writeJson(regionsFile, {
      regions: [
        { code: 'JS', name: 'JS', url: `http://127.0.0.1:${js}` },
        { code: 'GZ', name: 'GZ', url: `http://127.0.0.1:${gz}`, settings: { serviceUrl: `http://127.0.0.1:${gzStandin}` } },
        { code: 'HB', name: 'HB', url: `http://127.0.0.1:${hb}` },
      ],
    });
    writeJson(configFile, {
      mode: 'development',
      allowAnonymous: true,
      regions: regionsFile,
      server: { host: '127.0.0.1', port: gatewayPort, shutdownGraceMs: 2000 },
      audit: { dir: auditDir, keysDir, instance: 'start-stop-gw', index: 'off' },
    });
    const env = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'error',
      LIANDONG_CONFIG: configFile,
      LIANDONG_REGIONS: regionsFile,
      LIANDONG_DATA: dataDir,
      LIANDONG_KEYS_DIR: keysDir,
    };
    // Its own process group, as a terminal's foreground job: the group gets the SIGINT.
    group = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    group.stdout!.on('data', (chunk) => (output += chunk));
    group.stderr!.on('data', (chunk) => (output += chunk));
    await waitForLine(group, /Liandong is running/, 150_000, 'npm start');

    const url = `http://127.0.0.1:${gatewayPort}/graphql`;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ regions { code status } }' }),
      });
      expect(response.status).toBe(200);
    }
    process.kill(-group.pid!, 'SIGINT');
    await exited(group);
    expect(group.exitCode, output).toBe(0);

    const segments = readdirSync(auditDir)
      .filter((f) => /^audit-\d{6}\.jsonl$/.test(f))
      .sort();
    const lastRecord = JSON.parse(lines(join(auditDir, segments.at(-1)!)).at(-1)!);
    const lastCheckpoint = JSON.parse(lines(join(auditDir, 'audit-checkpoints.jsonl')).at(-1)!);
    expect(lastCheckpoint, output).toMatchObject({ instance: 'start-stop-gw', event: 'close', count: lastRecord.seq });
    expect(lastRecord.seq).toBeGreaterThanOrEqual(3);

    const verify = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/audit.ts', 'verify', '--log', auditDir, '--key', publicKeyPath(keysDir)],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let verified = '';
    verify.stdout!.on('data', (chunk) => (verified += chunk));
    verify.stderr!.on('data', (chunk) => (verified += chunk));
    const code = await new Promise<number | null>((resolve) => verify.once('close', resolve));
    expect(verified).toContain('INTACT');
    expect(verified).toMatch(/witness region JS .*witness\.jsonl: \d+ checkpoint/);
    expect(code).toBe(0);
  });
});
