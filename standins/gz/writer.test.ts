/** The GZ writer: GZ's own formats on disk, deterministic bytes, atomic hand-over. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { samplePerson, writeGzSample } from './sample.ts';
import { createGzWriter, gzDbPath } from './writer.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'liandong-gz-writer-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('GZ writer', () => {
  const dataDir = tempDir();
  let db: Database.Database;

  it('writes the same bytes for the same input', async () => {
    const other = tempDir();
    await writeGzSample(dataDir, 3000);
    await writeGzSample(other, 3000);
    expect(sha(gzDbPath(dataDir))).toBe(sha(gzDbPath(other)));
    db = new Database(gzDbPath(dataDir), { readonly: true });
  });

  it('keeps identity numbers as registered, YYYYMMDD dates, Beijing times and sex codes', () => {
    const legacy = samplePerson(3);
    expect(db.prepare('SELECT sfzh, csrq, xb, gxsj FROM renkou WHERE rkbh = ?').get(legacy.id)).toEqual({
      sfzh: legacy.idNumberAsRecorded,
      csrq: legacy.birthDate.replaceAll('-', ''),
      xb: legacy.sex === 'MALE' ? '1' : '2',
      gxsj: '20260101080300',
    });
    expect(legacy.idNumberAsRecorded).toHaveLength(15);
    const counts = db.prepare('SELECT length(sfzh) AS n, count(*) AS c FROM renkou GROUP BY 1 ORDER BY 1').all();
    expect(counts.map((row) => (row as { n: number }).n)).toEqual([15, 18]);
    const otherCodes = db.prepare("SELECT DISTINCT xb FROM renkou WHERE xb NOT IN ('1', '2')").pluck().all();
    expect(otherCodes).toEqual(['0']);
  });

  it('links parties, owners and notices under the 15-digit number GZ registered', () => {
    const legacy = samplePerson(0);
    expect(legacy.idNumberAsRecorded).toHaveLength(15);
    expect(db.prepare("SELECT sfzh FROM anjian_ry WHERE ajbh = 'C-2026-000000' AND xh = 0").get()).toEqual({
      sfzh: legacy.idNumberAsRecorded,
    });
    expect(db.prepare("SELECT syr_sfzh FROM cheliang WHERE clbh = 'CL00000000'").get()).toEqual({ syr_sfzh: legacy.idNumberAsRecorded });
    const orphanLinks = db
      .prepare(`SELECT count(*) AS c FROM anjian_ry a WHERE length(a.sfzh) = 18
      AND EXISTS (SELECT 1 FROM renkou r WHERE length(r.sfzh) = 15 AND r.sfzh = substr(a.sfzh, 1, 6) || substr(a.sfzh, 9, 9))`)
      .get();
    expect(orphanLinks).toEqual({ c: 0 });
  });

  it('stores case codes, amounts in fen and the plate as entered', () => {
    expect(db.prepare("SELECT ajlb, ajzt, ssje FROM anjian WHERE ajbh = 'C-2026-000001'").get()).toEqual({
      ajlb: '201',
      ajzt: '20',
      ssje: 13750,
    });
    expect(db.prepare("SELECT hphm, hphm_yl, nylx FROM cheliang WHERE clbh = 'CL00000001'").get()).toEqual({
      hphm: '貴A00001',
      hphm_yl: '貴A·00001',
      nylx: 'A',
    });
    db.close();
  });

  it('hands over the file only when complete', async () => {
    const dir = tempDir();
    const writer = await createGzWriter({ dataDir: dir });
    for (let i = 0; i < 100; i++) await writer.person(samplePerson(i));
    expect(existsSync(gzDbPath(dir))).toBe(false);
    await writer.close();
    expect(existsSync(gzDbPath(dir))).toBe(true);
    expect(existsSync(`${gzDbPath(dir)}.tmp`)).toBe(false);
  });

  it('drops a WAL left by a killed service, so it is never replayed into the new file', async () => {
    const dir = tempDir();
    mkdirSync(path.dirname(gzDbPath(dir)), { recursive: true });
    writeFileSync(`${gzDbPath(dir)}-wal`, 'stale');
    writeFileSync(`${gzDbPath(dir)}-shm`, 'stale');
    await writeGzSample(dir, 10);
    expect(existsSync(`${gzDbPath(dir)}-wal`) || existsSync(`${gzDbPath(dir)}-shm`)).toBe(false);
  });
});
