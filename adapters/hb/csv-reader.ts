/**
 * Reading one HB CSV file: GBK decoded strictly (a byte sequence GBK does not define is
 * refused, never replaced), headers matched by name, every row the header's width, the
 * file ending on a complete line, and as many rows as the manifest promised.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse';
import { AdapterError } from '../adapter.ts';
import type { ExportFile } from './manifest.ts';

export type Row = Record<string, string>;

const REPLACEMENT = '\uFFFD';

export class CsvRefusal extends AdapterError {
  constructor(file: ExportFile, line: number | null, why: string, cause?: unknown) {
    super('BAD_SOURCE_DATA', 'HB', `file ${basename(file.path)}${line === null ? '' : ` line ${line}`}: ${why}`, { cause });
  }
}

async function endsWithNewline(file: ExportFile): Promise<boolean> {
  if (file.bytes === 0) return false;
  const handle = await open(file.path, 'r');
  try {
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, file.bytes - 1);
    return buffer[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** Rows of the file as objects keyed by the expected headers, in file order. */
export async function* readRows(file: ExportFile, headers: readonly string[]): AsyncGenerator<Row> {
  if (!(await endsWithNewline(file))) throw new CsvRefusal(file, null, 'does not end with a line break: the file is truncated');
  const decoder = iconv.decodeStream('gbk') as unknown as Transform;
  const parser = parse({ bom: false, relax_column_count: false, skip_empty_lines: false });
  const source = createReadStream(file.path);
  source
    .on('error', (e) => decoder.destroy(e))
    .pipe(decoder)
    .on('data', (text: string) => {
      if (text.includes(REPLACEMENT)) decoder.destroy(new CsvRefusal(file, null, 'holds bytes that are not valid GBK'));
    })
    .on('error', (e: Error) => parser.destroy(e));
  decoder.pipe(parser);
  let columns: number[] | null = null;
  let rows = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!columns) {
        columns = headers.map((h) => record.indexOf(h));
        const absent = headers.filter((_, i) => columns![i] < 0);
        if (absent.length) throw new CsvRefusal(file, 1, `header lacks column(s) ${absent.join(', ')}; got ${record.join(', ')}`);
        continue;
      }
      rows++;
      yield Object.fromEntries(headers.map((h, i) => [h, record[columns![i]]]));
    }
  } catch (error) {
    if (error instanceof AdapterError) throw error;
    const line = (error as { lines?: number }).lines ?? null;
    throw new CsvRefusal(file, line, `is not well-formed CSV (${(error as Error).message}): truncated or corrupt`, error);
  } finally {
    // On refusal (or a consumer stopping early) release the file at once, not at GC.
    source.destroy();
    decoder.destroy();
  }
  if (rows !== file.rows) throw new CsvRefusal(file, null, `has ${rows} rows, the manifest says ${file.rows}: truncated`);
}
