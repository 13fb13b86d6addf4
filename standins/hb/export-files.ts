/**
 * Writing one HB export: one streaming GBK file per entity, then the manifest by
 * rename, which is what makes the export "complete" for readers.
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineFile } from '../generator/line-file.ts';
import {
  HB_ASSISTANCE_HEADERS,
  HB_ENTITIES,
  HB_HEADERS,
  HB_STEP_HEADERS,
  dataFileName,
  encodeRow,
  exportName,
  manifestFileName,
  type HbEntity,
  type Manifest,
} from './format.ts';

export class HbExportFiles {
  readonly name: string;
  private readonly files = new Map<HbEntity, LineFile>();

  constructor(
    private readonly dir: string,
    private readonly exportedAt: Date,
  ) {
    this.name = exportName(exportedAt);
    for (const entity of HB_ENTITIES) {
      const file = new LineFile(join(dir, dataFileName(this.name, entity)));
      const header = encodeRow(HB_HEADERS[entity]);
      void file.write(header);
      this.files.set(entity, file);
    }
  }

  async row(entity: HbEntity, fields: readonly (string | number | null)[]): Promise<void> {
    if (fields.length !== HB_HEADERS[entity].length) {
      throw new Error(`HB ${entity} row has ${fields.length} fields, expected ${HB_HEADERS[entity].length}`);
    }
    await this.files.get(entity)!.write(encodeRow(fields));
  }

  /** The export's 協查 file (format.ts): every request HB holds, with its state and answer. */
  async assistance(rows: readonly (readonly (string | null)[])[]): Promise<void> {
    await this.extraFile('assistance', HB_ASSISTANCE_HEADERS, rows);
  }

  /** The export's 協查 steps file (format.ts): every 處置 taken or refused, in order. */
  async assistanceSteps(rows: readonly (readonly (string | null)[])[]): Promise<void> {
    await this.extraFile('assistance-steps', HB_STEP_HEADERS, rows);
  }

  private async extraFile(
    entity: 'assistance' | 'assistance-steps',
    headers: readonly string[],
    rows: readonly (readonly (string | null)[])[],
  ): Promise<void> {
    const file = new LineFile(join(this.dir, `${this.name}-${entity}.csv`));
    await file.write(encodeRow(headers));
    for (const row of rows) await file.write(encodeRow(row));
    await file.close();
    this.extras.push({ entity, file: `${this.name}-${entity}.csv`, rows: file.lines - 1, bytes: file.bytes });
  }

  private readonly extras: Manifest['files'][number][] = [];

  /** Close every file, then publish the manifest (atomically, by rename). */
  async complete(): Promise<Manifest> {
    const manifest: Manifest = { export: this.name, exportedAt: this.exportedAt.toISOString(), encoding: 'GBK', files: [] };
    manifest.files.push(...this.extras);
    for (const [entity, file] of this.files) {
      await file.close();
      manifest.files.push({ entity, file: dataFileName(this.name, entity), rows: file.lines - 1, bytes: file.bytes });
    }
    const path = join(this.dir, manifestFileName(this.name));
    await writeFile(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(`${path}.tmp`, path);
    return manifest;
  }
}
