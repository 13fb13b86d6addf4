/**
 * Durability against the real world: `kill -9` of a server under load loses no
 * acknowledged record, and a read-only audit directory refuses every query.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateAuditKeys } from '../../common/log/keys.ts';
import { AuditUnavailableError } from '../../common/log/errors.ts';
import { openTestAudit, sampleRecord, tempDir, testConfig, verifyTestLog } from './fixtures.ts';
import { postQuery, startAuditedServer, type Child } from './support/child.ts';

const QUERY = '{ person(idNumber: "11010519491231002X") { name idNumber } }';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function childEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const config = testConfig(dir);
  return { AUDIT_DIR: config.dir, AUDIT_KEY_DIR: config.keyDir, AUDIT_INDEX: 'off', AUDIT_INSTANCE: 'crash-test', ...extra };
}

async function start(env: Record<string, string>): Promise<Child> {
  const child = await startAuditedServer(env);
  cleanups.push(() => child.stop());
  return child;
}

function auditIdsOnDisk(dir: string): Set<string> {
  const auditDir = join(dir, 'audit');
  const ids = new Set<string>();
  for (const file of readdirSync(auditDir).filter((f) => /^audit-\d{6}\.jsonl$/.test(f))) {
    for (const line of readFileSync(join(auditDir, file), 'utf8').split('\n')) {
      try {
        ids.add(JSON.parse(line).auditId);
      } catch {
        // a torn last line: verify reports it
      }
    }
  }
  return ids;
}

describe('audit durability', () => {
  it('keeps every acknowledged record when the server is killed with SIGKILL under load', async () => {
    const { dir, remove } = tempDir('audit-crash');
    cleanups.push(remove);
    const child = await start(childEnv(dir, { AUDIT_CHECKPOINT_EVERY: '25' }));
    const acknowledged: string[] = [];
    let killed = false;
    const client = async () => {
      while (!killed) {
        try {
          const { body } = await postQuery(child.url, QUERY);
          if (body.data?.person) acknowledged.push(body.extensions.auditId);
        } catch {
          return; // connection reset by the kill
        }
        if (acknowledged.length >= 300 && !killed) {
          killed = true;
          child.process.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));
    await child.stop();

    const onDisk = auditIdsOnDisk(dir);
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);
    expect(acknowledged.filter((id) => !onDisk.has(id))).toEqual([]);
    const report = verifyTestLog(dir);
    if (!report.ok) expect(report.damage).toMatchObject({ kind: 'truncated', location: 'audit-000001.jsonl' }); // only a torn tail may remain
    expect(report.entries).toBeGreaterThanOrEqual(acknowledged.length);

    const reopened = await openTestAudit(dir, { instance: 'crash-test', indexPath: null });
    await reopened.close();
    expect(verifyTestLog(dir)).toMatchObject({ ok: true });
  });

  it('refuses queries with AUDIT_UNAVAILABLE and no data when the audit directory is read-only', async (ctx) => {
    const { dir, remove } = tempDir('audit-readonly');
    cleanups.push(remove);
    const env = childEnv(dir);
    loadOrCreateAuditKeys(env.AUDIT_KEY_DIR);
    const auditDir = env.AUDIT_DIR;
    mkdirSync(auditDir, { recursive: true });
    if (process.getuid?.() === 0) {
      // Root ignores file modes, and running the server as another user fails wherever the
      // checkout is private (e.g. under /root, mode 0700): make the directory read-only for
      // everyone with a read-only bind mount instead.
      if (!tryMount(['--bind', auditDir, auditDir]))
        ctx.skip('a read-only bind mount needs CAP_SYS_ADMIN; plugin.test.ts covers refused appends');
      cleanups.push(() => execFileSync('umount', [auditDir]));
      if (!tryMount(['-o', 'remount,bind,ro', auditDir])) throw new Error(`could not remount ${auditDir} read-only`);
    } else {
      chmodSync(auditDir, 0o555);
    }
    const child = await start(env);
    const { status, body } = await postQuery(child.url, QUERY);
    expect(status).toBe(503);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'AUDIT_UNAVAILABLE' }) })]);
    expect(JSON.stringify(body)).not.toContain('11010519491231002X');
    expect(child.stderr()).toContain('AUDIT_UNAVAILABLE');
  });

  it('refuses appends on a real full disk (a 256 KiB tmpfs) and keeps what it acknowledged', async (ctx) => {
    const { dir, remove } = tempDir('audit-tmpfs');
    cleanups.push(remove);
    const mountPoint = join(dir, 'audit');
    mkdirSync(mountPoint);
    if (!tryMountTmpfs(mountPoint))
      ctx.skip('mounting a tmpfs needs root with CAP_SYS_ADMIN; the injected-ENOSPC test in plugin.test.ts covers this path');
    cleanups.push(() => execFileSync('umount', [mountPoint]));
    const audit = await openTestAudit(dir, { indexPath: null });
    const acknowledged: string[] = [];
    let failure: unknown = null;
    for (let i = 0; i < 100_000 && !failure; i++) {
      await audit.log.append(sampleRecord(i)).then(
        (e) => acknowledged.push((e as { auditId: string }).auditId),
        (error) => (failure = error),
      );
    }
    expect(failure).toBeInstanceOf(AuditUnavailableError);
    expect((failure as Error).message).toMatch(/ENOSPC/);
    await expect(audit.log.append(sampleRecord(-1))).rejects.toBeInstanceOf(AuditUnavailableError);
    await audit.close();
    const onDisk = auditIdsOnDisk(dir);
    expect(acknowledged.filter((id) => !onDisk.has(id))).toEqual([]);
    const report = verifyTestLog(dir);
    if (!report.ok) expect(report.damage?.kind).toBe('truncated');
  });
});

function tryMountTmpfs(path: string): boolean {
  return tryMount(['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', path]);
}

function tryMount(args: string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
