/**
 * A full disk refuses appends and leaves nothing behind: a batch that reached the file
 * only in part is cut off again, and a set-aside copy of a torn tail that cannot be
 * written whole is removed — so a client retrying against a full disk cannot litter the
 * audit directory with `.torn-*` files (the review found one empty file per refusal).
 */
import { appendFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditUnavailableError } from '../../common/log/errors.ts';
import { openTestAudit, sampleRecord, tempDir, verifyTestLog } from './fixtures.ts';
import { FaultyFs } from './support/faulty-fs.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setUp() {
  const { dir, remove } = tempDir('audit-full-disk');
  cleanups.push(remove);
  const auditDir = join(dir, 'audit');
  const segment = join(auditDir, 'audit-000001.jsonl');
  const torn = () => readdirSync(auditDir).filter((f) => f.includes('.torn-'));
  return { dir, auditDir, segment, torn };
}

describe('a full disk leaves no debris', () => {
  it('cuts a refused batch off again: 20 refused appends leave the segment as it was and no .torn file', async () => {
    const { dir, segment, torn } = setUp();
    const fs = new FaultyFs();
    const audit = await openTestAudit(dir, { indexPath: null }, { fs });
    cleanups.push(() => audit.close());
    await audit.log.append(sampleRecord(1));
    const size = statSync(segment).size;
    fs.full = true;
    for (let i = 0; i < 20; i++) await expect(audit.log.append(sampleRecord(100 + i))).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(statSync(segment).size).toBe(size);
    expect(torn()).toEqual([]);

    fs.full = false;
    await audit.log.append(sampleRecord(2));
    await audit.close();
    expect(torn()).toEqual([]);
    expect(verifyTestLog(dir)).toMatchObject({ ok: true, entries: 2, gaps: [] });
  });

  it('removes an unfinished set-aside copy of a torn tail, and sets the tail aside once there is room', async () => {
    const { dir, segment, torn } = setUp();
    const first = await openTestAudit(dir, { indexPath: null });
    await first.log.append(sampleRecord(1));
    await first.close();
    appendFileSync(segment, '{"type":"audit","seq":2,"cut short by a cras'); // a crash mid-write

    const fs = new FaultyFs();
    fs.full = true;
    const audit = await openTestAudit(dir, { indexPath: null }, { fs }); // cannot open: logged, appends refused
    cleanups.push(() => audit.close());
    expect(audit.log.healthy).toBe(false);
    expect(torn()).toEqual([]);
    // Each refused append opens the sink again and tries to set the tail aside; none may leave a file.
    for (let i = 0; i < 5; i++) await expect(audit.log.append(sampleRecord(100 + i))).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(torn()).toEqual([]);

    fs.full = false;
    await audit.log.append(sampleRecord(2));
    await audit.close();
    expect(torn()).toHaveLength(1);
    const report = verifyTestLog(dir);
    expect(report).toMatchObject({ ok: true, entries: 3 });
    expect(report.gaps).toHaveLength(1);
  });
});
