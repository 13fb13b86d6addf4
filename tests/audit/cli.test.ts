/** `npm run audit -- verify`: exit 0 and counts when intact, exit 1 naming the damage, exit 2 on misuse. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestAudit, sampleRecord, tempDir, testConfig } from './fixtures.ts';

const temp = tempDir('audit-cli');
afterAll(() => temp.remove());

function audit(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit.ts', ...args], { encoding: 'utf8' });
  return { code: result.status, out: result.stdout + result.stderr };
}

describe('npm run audit -- verify', () => {
  it('reports an intact log, then names a removed record, and refuses bad usage', async () => {
    const log = await openTestAudit(temp.dir, { indexPath: null });
    for (let i = 0; i < 10; i++) await log.log.append(sampleRecord(i));
    await log.close();
    const config = testConfig(temp.dir);
    const key = join(config.keyDir, 'audit-ed25519.pub.pem');

    const intact = audit('verify', '--log', config.dir, '--key', key);
    expect(intact.code).toBe(0);
    expect(intact.out).toContain('INTACT');
    expect(intact.out).toContain('10 entries (10 audit)');

    const segment = join(config.dir, 'audit-000001.jsonl');
    const lines = readFileSync(segment, 'utf8').split('\n').filter(Boolean);
    writeFileSync(segment, `${[...lines.slice(0, 3), ...lines.slice(4)].join('\n')}\n`);
    const broken = audit('verify', '--log', segment, '--key', key);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('FIRST DAMAGE: removed at audit-000001.jsonl line 4 (seq 5)');

    expect(audit('verify', '--redis', 'redis://127.0.0.1:9').code).toBe(2);
    expect(audit('frobnicate').out).toContain('unknown command "frobnicate"');
  });
});
