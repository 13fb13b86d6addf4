/**
 * Says whether a change to a wanted notice or vehicle alert ISSUED, CHANGED or LIFTED it
 * (and, from the same read, which case the record belongs to).
 * No regional change log says so (JS logs insert/update/delete, GZ only "edited", HB's
 * export diff only "differs"), and a notice is lifted by an edit of its status, not by a
 * delete. So the action is derived here, once per change and region, from the record as
 * it is now (read back through the adapter) and the in-force state this publisher last
 * saw of it:
 *
 * - not in force now (status CAUGHT / WITHDRAWN, alert inactive) or gone → LIFTED;
 * - in force now, last seen not in force → ISSUED; last seen in force → CHANGED;
 * - in force now, not seen before by this publisher (a new record, or the first change
 *   to it since the subgraph started) → ISSUED when it was never edited since it was
 *   issued (`updatedAt` = `issuedAt`), else CHANGED.
 *
 * The memory is bounded (`remember` records, oldest forgotten first); a forgotten record
 * falls back to the last rule.
 */
import type { ChangeAction, ChangeEvent, RegionAdapter, VehicleAlert, WantedNotice } from '../../adapters/adapter.ts';

export const DEFAULT_REMEMBERED = 100_000;

type Pushed = Pick<WantedNotice, 'issuedAt' | 'updatedAt' | 'caseId'> & { inForce: boolean };

/** The rule above, for one record now (null: gone) and its last seen in-force state (undefined: not seen). */
export function classify(now: Pushed | null, wasInForce: boolean | undefined): ChangeAction {
  if (!now?.inForce) return 'LIFTED';
  if (wasInForce !== undefined) return wasInForce ? 'CHANGED' : 'ISSUED';
  return now.updatedAt === now.issuedAt ? 'ISSUED' : 'CHANGED';
}

export class ChangeActions {
  /** `<type>:<id>` → in force when last seen; a Map keeps insertion order, so the first key is the oldest. */
  private readonly seen = new Map<string, boolean>();

  constructor(
    private readonly adapter: Pick<RegionAdapter, 'wantedNoticesById' | 'vehicleAlertsById'>,
    private readonly remember = DEFAULT_REMEMBERED,
  ) {}

  /** The changes with `action` set on each notice and alert change (one batched read per type). Rejects when the region cannot be read. */
  async annotate(changes: ChangeEvent[]): Promise<ChangeEvent[]> {
    const notices = changes.filter((c) => c.type === 'WantedNotice');
    const alerts = changes.filter((c) => c.type === 'VehicleAlert');
    if (notices.length === 0 && alerts.length === 0) return changes;
    const [noticesNow, alertsNow] = await Promise.all([
      notices.length ? this.adapter.wantedNoticesById(unique(notices)) : Promise.resolve([]),
      alerts.length ? this.adapter.vehicleAlertsById(unique(alerts)) : Promise.resolve([]),
    ]);
    const now = new Map<string, Pushed | null>();
    unique(notices).forEach((id, i) => now.set(`WantedNotice:${id}`, noticeState(noticesNow[i])));
    unique(alerts).forEach((id, i) => now.set(`VehicleAlert:${id}`, alertState(alertsNow[i])));
    return changes.map((change) => {
      const key = `${change.type}:${change.id}`;
      if (!now.has(key)) return change;
      const state = now.get(key)!;
      const action = classify(state, this.seen.get(key));
      this.note(key, state?.inForce ?? false);
      // The case behind it (read anyway), so a live event can link to it without another look-up.
      return { ...change, action, ...(state?.caseId ? { caseId: `${change.region}:${state.caseId}` } : {}) };
    });
  }

  private note(key: string, inForce: boolean): void {
    this.seen.delete(key);
    this.seen.set(key, inForce);
    if (this.seen.size > this.remember) this.seen.delete(this.seen.keys().next().value!);
  }
}

function unique(changes: ChangeEvent[]): string[] {
  return [...new Set(changes.map((c) => c.id))];
}

function noticeState(notice: WantedNotice | null | undefined): Pushed | null {
  return notice ? { ...notice, inForce: notice.status === 'AT_LARGE' } : null;
}

function alertState(alert: VehicleAlert | null | undefined): Pushed | null {
  return alert ? { ...alert, inForce: alert.active } : null;
}
