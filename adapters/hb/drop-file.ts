/**
 * Writing one file into HB's drop folder, in HB's format: GBK CSV, CRLF, a header and one
 * row, Beijing times as `YYYY/MM/DD HH:mm:ss`; written to a temporary name and renamed, so
 * HB's intake never reads half a file. A folder that cannot take it is `UNAVAILABLE`, and
 * then nothing was written.
 */
import { rename, writeFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { AdapterError } from '../adapter.ts';

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** ISO → HB's `YYYY/MM/DD HH:mm:ss` Beijing time. */
export function hbTime(iso: string): string {
  const local = new Date(Date.parse(iso) + BEIJING_OFFSET_MS).toISOString();
  return `${local.slice(0, 10).replaceAll('-', '/')} ${local.slice(11, 19)}`;
}

function csvLine(fields: readonly string[]): Buffer {
  const quoted = fields.map((f) => (/[",\r\n]|^\s|\s$/.test(f) ? `"${f.replaceAll('"', '""')}"` : f));
  return iconv.encode(`${quoted.join(',')}\r\n`, 'gbk');
}

export async function dropFile(path: string, headers: readonly string[], row: readonly string[]): Promise<void> {
  try {
    await writeFile(`${path}.tmp`, Buffer.concat([csvLine(headers), csvLine(row)]));
    await rename(`${path}.tmp`, path);
  } catch (error) {
    throw new AdapterError(
      'UNAVAILABLE',
      'HB',
      `cannot write to HB's drop folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
}
