/**
 * The file-backed audit log: exactly one durable record per append under concurrency,
 * rotation with the chain continuing, and verify naming each kind of tampering.
 */
import { readFileSync, writeFileSync, readdirSync, appendFileSync, chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestAudit, sampleFacts, sampleRecord, tempDir, verifyTestLog } from './fixtures.ts';
import { AuditRecorder } from '../../gateway/audit/recorder.ts';
import { AuditUnavailableError } from '../../common/log/errors.ts';
import { nodeFs, type SinkFs } from '../../common/log/file-sink.ts';
import { Chain } from '../../common/log/chain.ts';
import { sha256Hex } from '../../common/log/canonical.ts';
import { FileSink } from '../../common/log/file-sink.ts';
import { ChainedLog } from '../../common/log/log.ts';
import { gapRecord } from '../../common/log/gap.ts';
import { verifyFileLog } from '../../gateway/audit/verify-files.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function writeLog(count: number, overrides = {}): Promise<string> {
  const { dir, remove } = tempDir('audit-log');
  cleanups.push(remove);
  const audit = await openTestAudit(dir, { checkpointEvery: 10, ...overrides });
  await Promise.all(Array.from({ length: count }, (_, i) => audit.log.append(sampleRecord(i))));
  await audit.close();
  return dir;
}

function segment(dir: string, name = 'audit-000001.jsonl'): string {
  return join(dir, 'audit', name);
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

describe('audit log', () => {
  it('writes exactly N records for N concurrent appends, in one chain that verifies', async () => {
    const dir = await writeLog(500);
    const written = lines(segment(dir)).map((l) => JSON.parse(l));
    expect(written.map((r) => r.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(new Set(written.map((r) => r.auditId)).size).toBe(500);
    const report = verifyTestLog(dir);
    expect(report.damage).toBeNull();
    expect(report).toMatchObject({ ok: true, entries: 500, lastSeq: 500 });
    expect(report.checkpoints).toBeGreaterThanOrEqual(1);
  });

  it('rotates by size and continues the chain across files and restarts', async () => {
    const { dir, remove } = tempDir('audit-rotate');
    cleanups.push(remove);
    for (let round = 0; round < 2; round++) {
      const audit = await openTestAudit(dir, { maxFileBytes: 4096 });
      for (let i = 0; i < 20; i++) await audit.log.append(sampleRecord(round * 100 + i));
      await audit.close();
    }
    const files = readdirSync(join(dir, 'audit')).filter((f) => /^audit-\d{6}\.jsonl$/.test(f));
    expect(files.length).toBeGreaterThan(2);
    expect(verifyTestLog(dir)).toMatchObject({ ok: true, entries: 40, lastSeq: 40 });
  });

  it("continues a log that began as one file (a region's disclosure.jsonl) into rotated segments", async () => {
    const { dir, remove } = tempDir('audit-legacy');
    cleanups.push(remove);
    const open = (layout: { rotate: boolean; legacyFile?: boolean }, maxFileBytes: number) =>
      new ChainedLog<object>({
        sink: new FileSink({ dir, prefix: 'disclosure', ...layout, maxFileBytes }),
        instance: 'JS',
        keys: null,
        checkpointEvery: Number.MAX_SAFE_INTEGER,
        checkpointIntervalMs: 0,
        commit: { delayMs: 0, maxBatch: 16 },
        gapEntry: (problem) => gapRecord('JS', problem),
      });
    const single = open({ rotate: false }, Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < 10; i++) await single.append({ type: 'disclosure', n: i });
    await single.close();
    const rotated = open({ rotate: true, legacyFile: true }, 1024);
    for (let i = 10; i < 40; i++) await rotated.append({ type: 'disclosure', n: i });
    await rotated.close();
    const files = readdirSync(dir)
      .filter((f) => f.startsWith('disclosure'))
      .sort();
    expect(files[0]).toBe('disclosure-000001.jsonl');
    expect(files).toContain('disclosure.jsonl');
    expect(files.filter((f) => /-\d{6}\.jsonl$/.test(f)).length).toBeGreaterThan(1);
    const report = verifyFileLog({ dir, prefix: 'disclosure', rotate: true, legacyFile: true, publicKey: null });
    expect(report).toMatchObject({ ok: true, entries: 40, lastSeq: 40 });
  });

  it('names an edited byte', async () => {
    const dir = await writeLog(30);
    const path = segment(dir);
    const all = lines(path);
    const target = all.findIndex((l) => l.includes('"seq":17,'));
    all[target] = all[target].replace('"req-', '"rEq-'); // one byte
    writeFileSync(path, `${all.join('\n')}\n`);
    const report = verifyTestLog(dir);
    expect(report.ok).toBe(false);
    expect(report.damage).toMatchObject({ kind: 'edited', location: 'audit-000001.jsonl', line: target + 1, seq: 17 });
  });

  it('names a deleted line', async () => {
    const dir = await writeLog(30);
    const all = lines(segment(dir));
    all.splice(9, 1);
    writeFileSync(segment(dir), `${all.join('\n')}\n`);
    expect(verifyTestLog(dir).damage).toMatchObject({ kind: 'removed', line: 10, seq: 11 });
  });

  it('names two swapped lines', async () => {
    const dir = await writeLog(30);
    const all = lines(segment(dir));
    [all[4], all[5]] = [all[5], all[4]];
    writeFileSync(segment(dir), `${all.join('\n')}\n`);
    expect(verifyTestLog(dir).damage).toMatchObject({ kind: 'reordered', line: 5, seq: 6 });
  });

  it('names a tail cut below the last signed checkpoint', async () => {
    const dir = await writeLog(30);
    const all = lines(segment(dir));
    writeFileSync(segment(dir), `${all.slice(0, 25).join('\n')}\n`);
    const report = verifyTestLog(dir);
    expect(report.damage).toMatchObject({ kind: 'truncated', seq: 26 });
    expect(report.damage!.detail).toContain('signed 30 entries');
  });

  it('names a torn last line as a truncated tail', async () => {
    const dir = await writeLog(5);
    appendFileSync(segment(dir), '{"auditId":"req-x","seq":6,"pr');
    expect(verifyTestLog(dir).damage).toMatchObject({ kind: 'truncated', location: 'audit-000001.jsonl', line: 6 });
  });

  it('names a whole log rewritten as a fresh valid chain', async () => {
    const dir = await writeLog(30);
    const chain = new Chain();
    const rewritten = lines(segment(dir)).map((line) => {
      const { seq: _s, prev: _p, hash: _h, ...body } = JSON.parse(line);
      if (body.auditId === 'req-3') body.officer.sub = 'someone-else';
      return chain.link(body).line;
    });
    writeFileSync(segment(dir), `${rewritten.join('\n')}\n`);
    const report = verifyTestLog(dir);
    expect(report.damage?.kind).toBe('rewritten');
    expect(report.damage!.detail).toContain('checkpoint');
  });

  it('names a forged checkpoint', async () => {
    const dir = await writeLog(30);
    const path = join(dir, 'audit', 'audit-checkpoints.jsonl');
    const checkpoints = lines(path);
    const forged = { ...JSON.parse(checkpoints[0]), count: 9 };
    writeFileSync(path, `${[JSON.stringify(forged), ...checkpoints.slice(1)].join('\n')}\n`);
    expect(verifyTestLog(dir).damage).toMatchObject({ kind: 'checkpoint-mismatch', location: 'audit-checkpoints.jsonl', line: 1 });
  });

  it('keeps the audit directory 0700 and every file in it 0600 (index included), also when they existed looser', async () => {
    const { dir, remove } = tempDir('audit-modes');
    cleanups.push(remove);
    const auditDir = join(dir, 'audit');
    const modes = () =>
      Object.fromEntries(
        [['.', auditDir], ...readdirSync(auditDir).map((f) => [f, join(auditDir, f)])].map(([name, path]) => [
          name,
          (statSync(path).mode & 0o777).toString(8),
        ]),
      );
    const run = async (n: number) => {
      const audit = await openTestAudit(dir, { maxFileBytes: 4096 });
      const recorder = new AuditRecorder(audit.log, audit.operations);
      for (let i = 0; i < n; i++) await recorder.record(sampleFacts(i, `query Q${i} { regions { code } }`));
      await audit.index!.lastSeq('test-gw'); // the index has taken the batches: its files exist
      const open = modes();
      await audit.close();
      return open;
    };
    const first = await run(30);
    expect(Object.keys(first)).toEqual(
      expect.arrayContaining([
        'audit-000001.jsonl',
        'audit-000002.jsonl',
        'audit-checkpoints.jsonl',
        'audit-operations.jsonl',
        'audit.lock',
        'index.sqlite',
      ]),
    );
    expect(Object.entries(first).filter(([name, mode]) => mode !== (name === '.' ? '700' : '600'))).toEqual([]);

    chmodSync(auditDir, 0o755);
    for (const file of readdirSync(auditDir)) chmodSync(join(auditDir, file), 0o644);
    const again = await run(2);
    expect(Object.entries(again).filter(([name, mode]) => mode !== (name === '.' ? '700' : '600'))).toEqual([]);
    expect(Object.entries(modes()).filter(([name, mode]) => mode !== (name === '.' ? '700' : '600'))).toEqual([]);
  });

  it("names unsigned entries spread over longer than the writer's checkpoint timer allows", async () => {
    const dir = await writeLog(3, { checkpointIntervalMs: 60_000 });
    const checkpoints = join(dir, 'audit', 'audit-checkpoints.jsonl');
    // The intruder drops the shutdown checkpoint and appends two entries five minutes apart.
    writeFileSync(
      checkpoints,
      `${lines(checkpoints)
        .filter((l) => JSON.parse(l).event !== 'close')
        .join('\n')}\n`,
    );
    const last = lines(segment(dir)).at(-1)!;
    const chain = new Chain({ seq: JSON.parse(last).seq, lineHash: sha256Hex(last) });
    const { seq: _s, prev: _p, hash: _h, ...body } = JSON.parse(last);
    const forged = [0, 5].map((minutes) => chain.link({ ...body, at: new Date(Date.now() + minutes * 60_000).toISOString() }).line);
    appendFileSync(segment(dir), `${forged.join('\n')}\n`);
    const report = verifyTestLog(dir);
    // Unsigned since the `open` checkpoint at count 0: the tail starts at seq 1.
    expect(report.damage).toMatchObject({ kind: 'appended', location: 'audit-000001.jsonl', line: 1, seq: 1 });
    expect(report.damage!.detail).toMatch(
      /span 30\d s, but the writer signs a checkpoint every 60 s while entries arrive \(at most 130 s unsigned\)/,
    );
  });

  it('refuses a batch rather than let the unsigned tail outgrow checkpointEvery when checkpoints cannot be stored', async () => {
    const { dir, remove } = tempDir('audit-unsigned-bound');
    cleanups.push(remove);
    let checkpointsFail = false;
    // Only the checkpoint file fails (its disk is full, say); the segments still take writes.
    const fs: SinkFs = {
      mkdir: (path) => nodeFs.mkdir(path),
      unlink: (path) => nodeFs.unlink(path),
      open: async (path, flags, mode) => {
        const file = await nodeFs.open(path, flags, mode);
        if (!path.endsWith('audit-checkpoints.jsonl')) return file;
        return {
          ...file,
          write: (bytes) => (checkpointsFail ? Promise.reject(new Error(`EIO writing ${path}`)) : file.write(bytes)),
          datasync: () => file.datasync(),
          sync: () => file.sync(),
          truncate: (n) => file.truncate(n),
          stat: () => file.stat(),
          close: () => file.close(),
        };
      },
    };
    const audit = await openTestAudit(dir, { checkpointEvery: 5, indexPath: null }, { fs });
    checkpointsFail = true;
    for (let i = 0; i < 5; i++) await audit.log.append(sampleRecord(i));
    await expect(audit.log.append(sampleRecord(5))).rejects.toBeInstanceOf(AuditUnavailableError);
    checkpointsFail = false;
    await audit.close();
    expect(lines(segment(dir)).map((l) => JSON.parse(l).auditId)).toEqual(['req-0', 'req-1', 'req-2', 'req-3', 'req-4']);
  });
});
