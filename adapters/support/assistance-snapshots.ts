/**
 * Assistance requests (協查) on the change feed of a region whose system logs nothing about
 * them (HB: its requests and answers only come with its next export). Each look compares
 * the requests the region holds now (its desk's inbox) with those at the previous look:
 * a request that is new, or whose status or history moved on, is one `AssistanceRequest`
 * change. The first look is the baseline (like `changesSince(null)`: from now on).
 *
 * A look that fails leaves the baseline as it was, so the next look still reports what
 * changed since the last successful one: nothing is lost by a failed read.
 */
import type { AssistanceDesk, ChangeEvent } from '../adapter.ts';

export class AssistanceSnapshots {
  /** Request id → `<status>:<steps>` at the last successful look. */
  private last: Map<string, string> | null = null;

  constructor(
    private readonly desk: Pick<AssistanceDesk, 'inbox'>,
    private readonly region: string,
  ) {}

  /** The requests that changed since the last look (none on the first). */
  async changes(): Promise<ChangeEvent[]> {
    const now = new Map((await this.desk.inbox(null)).map((r) => [r.id, `${r.status}:${r.history.length}`]));
    const last = this.last;
    this.last = now;
    if (!last) return [];
    const at = new Date().toISOString();
    return [...now]
      .filter(([id, state]) => last.get(id) !== state)
      .map(([id]): ChangeEvent => ({ region: this.region, type: 'AssistanceRequest', id, idNumbers: [], plates: [], at }));
  }
}
