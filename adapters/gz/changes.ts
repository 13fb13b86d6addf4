/**
 * GZ's change feed: the service logs every edit in its change table (`biangeng`) and
 * serves it at `/api/v1/changes?since=N`. Positions are GZ's change numbers; the
 * touched identity numbers and plates are normalised here so the gateway can evict
 * cached entities by their global keys.
 */
import { AdapterError, type ChangeEvent, type ChangeFeed, type ChangesAnswer, type EntityType } from '../adapter.ts';
import { normaliseIdNumber, normalisePlate } from '../../common/normalise/index.ts';
import type { GzClient } from './client.ts';
import { badData } from './errors.ts';
import { isoTimeFromGz } from './dates.ts';
import { isRow, type Row } from './records.ts';

const ENTITY_TYPES: Record<string, EntityType> = {
  renkou: 'PersonRecord',
  anjian: 'Case',
  cheliang: 'VehicleRecord',
  tongji: 'WantedNotice',
  bukong: 'VehicleAlert',
  xiecha: 'AssistanceRequest',
};

/** Keys that do not normalise cannot be cache keys either, so they need no eviction. */
function normalisedList(list: unknown, normalise: (k: string) => string): string[] {
  if (typeof list !== 'string') throw badData(`change row: key list ${JSON.stringify(list)} is not a string`);
  return list
    .split(',')
    .filter(Boolean)
    .flatMap((key) => {
      try {
        return [normalise(key)];
      } catch {
        return [];
      }
    });
}

function eventFromGz(row: Row): ChangeEvent {
  const type = ENTITY_TYPES[row.bm as string];
  if (!type || typeof row.jlbh !== 'string' || typeof row.bgsj !== 'string') {
    throw badData(`change row ${JSON.stringify(row).slice(0, 120)}: expected bm (a GZ table), jlbh and bgsj`);
  }
  return {
    region: 'GZ',
    type,
    id: row.jlbh,
    idNumbers: normalisedList(row.sfzh, (k) => normaliseIdNumber(k)),
    plates: normalisedList(row.hphm, normalisePlate),
    at: isoTimeFromGz(row.bgsj, 'change time (bgsj)'),
  };
}

function parsePosition(since: string): number {
  const n = Number(since);
  if (!/^\d+$/.test(since) || !Number.isSafeInteger(n)) {
    throw new AdapterError('BAD_INPUT', 'GZ', `change position "${since}": expected a position this feed returned (a whole number)`);
  }
  return n;
}

export class GzChangeFeed implements ChangeFeed {
  private readonly subscriptions = new Set<() => void>();

  constructor(
    private readonly client: GzClient,
    private readonly pollMs: number,
  ) {}

  async changesSince(since: string | null): Promise<ChangesAnswer> {
    const query = since === null ? {} : { since: parsePosition(since) };
    const data = (await this.client.get('/api/v1/changes', query)) as { zdxh?: unknown; rows?: unknown };
    if (!isRow(data) || typeof data.zdxh !== 'number' || !Array.isArray(data.rows) || !data.rows.every(isRow)) {
      throw badData('GET /api/v1/changes: expected {"zdxh": n, "rows": [...]}');
    }
    if (since === null) return { changes: [], position: String(data.zdxh) };
    // GZ numbers its changes from 1 in each life of its database: a position past its head
    // means the system was re-seeded or restored, and changes since cannot be listed.
    if (query.since! > data.zdxh) return { changes: [], position: String(data.zdxh), resync: true };
    const rows = data.rows;
    const last = rows.length ? rows[rows.length - 1].xh : Number(since);
    if (typeof last !== 'number') throw badData(`GET /api/v1/changes: change number ${JSON.stringify(last)} is not a number`);
    return { changes: rows.map(eventFromGz), position: String(last) };
  }

  /** Polls the feed every `pollMs`; a failed poll is retried at the next tick from the same position. */
  subscribe(listener: (event: ChangeEvent) => void): () => void {
    let position: string | null = null;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const schedule = (delay: number) => {
      timer = setTimeout(tick, delay);
      timer.unref();
    };
    const tick = async () => {
      try {
        const answer = await this.changesSince(position);
        position = answer.position;
        if (!stopped) answer.changes.forEach(listener);
      } catch {
        // GZ down or slow: the health check reports it; keep the position and try again.
      }
      if (!stopped) schedule(this.pollMs);
    };
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      this.subscriptions.delete(stop);
    };
    this.subscriptions.add(stop);
    schedule(0);
    return stop;
  }

  close(): void {
    this.subscriptions.forEach((stop) => stop());
  }
}
