/**
 * The HB adapter: serves the newest complete, valid export from its own index and
 * moves to a newer export without a restart (directory watch, with polling as the
 * fallback where watches are unreliable). A bad export — path tricks in its manifest,
 * malformed GBK, a truncated file — is refused with BAD_SOURCE_DATA and the previous
 * good export stays in service; health() names the refusal.
 *
 * A new export is taken in off the serving thread (intake.ts: vet, index and diff in a
 * worker thread) while the previous one keeps answering; the switch is one synchronous
 * step, and every lookup reads the export in service once, synchronously, so each
 * answer comes wholly from the old export or wholly from the new one.
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AdapterError, type ChangeEvent, type HealthStatus, type RegionAdapter, type RegionInfo } from '../adapter.ts';
import { AssistanceSnapshots } from '../support/assistance-snapshots.ts';
import { sqlLookups } from '../support/sql-adapter.ts';
import { ChangeLog } from './change-log.ts';
import { takeIn } from './intake.ts';
import { completeExports } from './manifest.ts';
import { HbAssistanceDesk } from './assistance.ts';
import { ServedExport } from './served-export.ts';

export const HB_REGION: RegionInfo = { code: 'HB', name: '湖北', areaPrefixes: ['42'], plateProvinces: ['鄂'] };

export interface HbSettings {
  exportsDir: string;
  indexDir: string;
  pollMs: number;
  maxChangeEvents: number;
  /** HB's 協查 drop folder (assistance.ts); default `xiecha-in` beside the exports directory. */
  dropDir?: string;
}

export class HbExports {
  private current: ServedExport | null = null;
  /** Refused exports by name and manifest time: a rewritten manifest gets another chance. */
  private readonly refused = new Map<string, string>();
  private lastRefusal: string | null = null;
  private checking: Promise<void> = Promise.resolve();
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  readonly changes: ChangeLog;
  /** The 協查 requests that changed with a new export (support/assistance-snapshots.ts), set by createHbAdapter. */
  private assistanceChanges: (() => Promise<ChangeEvent[]>) | null = null;

  constructor(private readonly settings: HbSettings) {
    this.changes = new ChangeLog(settings.maxChangeEvents);
  }

  served(): ServedExport {
    if (!this.current) throw new AdapterError('UNAVAILABLE', 'HB', 'no HB export is in service');
    return this.current;
  }

  private async refusalKey(name: string): Promise<string> {
    const manifest = await stat(join(this.settings.exportsDir, `${name}.manifest.json`)).catch(() => null);
    return `${name}@${manifest?.mtimeMs ?? 0}`;
  }

  /** Serve the newest good export newer than the current one, if any. */
  private async advance(): Promise<void> {
    for (const name of await completeExports(this.settings.exportsDir)) {
      if (this.current && name <= this.current.name) return;
      const key = await this.refusalKey(name);
      if (this.refused.has(key)) continue;
      try {
        const { exportsDir, indexDir } = this.settings;
        const { indexPath, events } = await takeIn({ exportsDir, indexDir, name, previousIndexPath: this.current?.indexPath ?? null });
        // A failed look at the requests is reported with the next export (the snapshot keeps its baseline).
        const requests = (await this.assistanceChanges?.().catch(() => [])) ?? [];
        this.swap(ServedExport.open(name, indexPath), [...events, ...requests]);
        return;
      } catch (error) {
        if (!(error instanceof AdapterError)) throw error;
        this.refused.set(key, error.message);
        this.lastRefusal = `refused export ${name}: ${error.message}`;
      }
    }
  }

  /**
   * Serve `next` from now on. The new export is in service before its change events go
   * out, so a follower that re-reads on an event reads the new data.
   */
  private swap(next: ServedExport, events: ChangeEvent[]): void {
    const previous = this.current;
    this.current = next;
    this.changes.append(events);
    this.lastRefusal = this.newerRefusal(next.name);
    if (previous) {
      previous.close();
      void rm(previous.indexPath, { force: true });
    }
  }

  /** Keep reporting a refusal only while the refused export is newer than what we serve. */
  private newerRefusal(serving: string): string | null {
    const match = /refused export (hb-export-\S+):/.exec(this.lastRefusal ?? '');
    return match && match[1] > serving ? this.lastRefusal : null;
  }

  /** Puts HB's 協查 requests on its change feed: each new export also says which requests it moved on. */
  followAssistance(changes: () => Promise<ChangeEvent[]>): void {
    this.assistanceChanges = changes;
  }

  /** Look for a newer export; concurrent calls queue behind one another. */
  check(): Promise<void> {
    this.checking = this.checking.then(() => this.advance()).catch(() => {});
    return this.checking;
  }

  async start(): Promise<void> {
    await this.advance();
    if (!this.current) {
      throw new AdapterError(
        this.lastRefusal ? 'BAD_SOURCE_DATA' : 'UNAVAILABLE',
        'HB',
        this.lastRefusal ?? `no complete export in "${this.settings.exportsDir}" (run \`npm run seed\` first?)`,
      );
    }
    await this.removeStaleIndexes();
    try {
      this.watcher = watch(this.settings.exportsDir, () => {
        if (this.debounce) clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.check(), 100);
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No watch support here (some network file systems): polling below covers it.
    }
    this.timer = setInterval(() => void this.check(), this.settings.pollMs);
    this.timer.unref();
  }

  private async removeStaleIndexes(): Promise<void> {
    const keep = `${this.current!.name}.sqlite`;
    for (const name of await readdir(this.settings.indexDir).catch(() => [] as string[])) {
      if (name.endsWith('.sqlite') && name !== keep) await rm(join(this.settings.indexDir, name), { force: true });
    }
  }

  health(): HealthStatus {
    const started = performance.now();
    try {
      const served = this.served();
      const detail = `serving ${served.name} (${served.persons()} persons)${this.lastRefusal ? `; ${this.lastRefusal}` : ''}`;
      return { ok: true, detail, latencyMs: performance.now() - started };
    } catch (error) {
      return { ok: false, detail: (error as Error).message, latencyMs: performance.now() - started };
    }
  }

  async close(): Promise<void> {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    await this.checking;
    this.current?.close();
    this.current = null;
  }
}

export async function createHbAdapter(settings: HbSettings): Promise<RegionAdapter & { exports: HbExports }> {
  const exports = new HbExports(settings);
  await exports.start();
  const dropDir = settings.dropDir ?? join(settings.exportsDir, '..', 'xiecha-in');
  await mkdir(dropDir, { recursive: true });
  const assistance = new HbAssistanceDesk({
    dropDir,
    exportsDir: settings.exportsDir,
  });
  const requests = new AssistanceSnapshots(assistance, HB_REGION.code);
  await requests.changes(); // the baseline: requests as they are at start
  exports.followAssistance(() => requests.changes());
  return {
    region: HB_REGION,
    exports,
    assistance,
    changes: exports.changes,
    ...sqlLookups(() => exports.served().records),
    health: async () => exports.health(),
    close: () => exports.close(),
  };
}
