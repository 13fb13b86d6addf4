/**
 * Assistance requests (協查) on the region's change stream.
 *
 * - **Steps**: the adapter's feed names a request that changed (JS: its change-log trigger
 *   on `t_xc_request`; GZ: its 變更 log; HB: the requests a new export moved on). Like a
 *   notice's ISSUED / LIFTED (actions.ts), what happened is read back here from the
 *   request as it is now: REQUESTED (pending), ACCEPTED, ANSWERED, DECLINED, with the
 *   parties (requesting region and officer) the gateway routes live events by.
 * - **Overdue**: nobody writes anything when a deadline passes, so on its polls (at most
 *   every `checkMs`) the publisher reads the open requests (the desk's inbox of PENDING and
 *   of ACCEPTED requests) and compares
 *   their deadlines with the clock: each request found open past its deadline is published
 *   once as OVERDUE — checked only while a follower is connected to the stream (an SSE
 *   client, or Redis configured), since messages are never replayed.
 *
 * "Once" survives a restart of the subgraph: the requests already announced (id and
 * deadline, so a re-seeded system reusing an id is another request) are kept in a small
 * file beside the region's disclosure log, rewritten (write and rename) after each
 * announcement and pruned of requests no longer open. A request whose deadline passed while
 * the subgraph was down is announced at its first check after the start; one announced
 * before is not again. The file is written after the message is sent, so a crash between
 * the two repeats that one announcement rather than losing it. Without a file (tests, no
 * logs directory) the memory lasts as long as the process.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AssistanceDesk, AssistanceRequestRecord, AssistanceStatus, ChangeEvent } from '../../adapters/adapter.ts';
import type { AssistanceHappening } from '../../common/changes/event.ts';
import { isOpen, isOverdue } from '../assistance/counts.ts';
import type { Logger } from '../logger.ts';

export const DEFAULT_OVERDUE_CHECK_MS = 2000;

const HAPPENED: Record<AssistanceStatus, AssistanceHappening> = {
  PENDING: 'REQUESTED',
  ACCEPTED: 'ACCEPTED',
  ANSWERED: 'ANSWERED',
  DECLINED: 'DECLINED',
};

export interface AssistanceNewsOptions {
  /** Where the requests already announced overdue are kept (null: in memory only). */
  overdueFile: string | null;
  /** Least time between two overdue checks (default 2000 ms). */
  checkMs?: number;
  logger: Logger;
  now?: () => number;
}

export class AssistanceNews {
  /** `<id> <deadline>` of the open requests already announced overdue. */
  private readonly announcedKeys: Set<string>;
  /** Keys were forgotten since the file was last written. */
  private dirty = false;
  private lastCheck = Number.NEGATIVE_INFINITY;
  /** The last overdue check could not read the requests (logged once per outage). */
  private failing = false;
  private readonly now: () => number;

  constructor(
    private readonly desk: Pick<AssistanceDesk, 'requestsById' | 'inbox'> | undefined,
    private readonly region: string,
    private readonly options: AssistanceNewsOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.announcedKeys = new Set(readAnnounced(options.overdueFile, options.logger));
  }

  /** The changes with `assistance` set on each AssistanceRequest change (one batched read); a request that is gone is left out. */
  async annotate(changes: ChangeEvent[]): Promise<ChangeEvent[]> {
    const asked = [...new Set(changes.filter((c) => c.type === 'AssistanceRequest').map((c) => c.id))];
    if (asked.length === 0 || !this.desk) return changes.filter((c) => c.type !== 'AssistanceRequest');
    const found = await this.desk.requestsById(asked);
    const now = new Map(asked.map((id, i) => [id, found[i]]));
    return changes.flatMap((change) => {
      if (change.type !== 'AssistanceRequest') return [change];
      const request = now.get(change.id);
      return request ? [{ ...change, assistance: partiesOf(request, HAPPENED[request.status]) }] : [];
    });
  }

  /**
   * The requests newly found open past their deadline (none when checked less than
   * `checkMs` ago). Once the events are sent, hand them to `announced` so they are not sent
   * again. A region whose requests cannot be read now gives none (logged once per outage)
   * and is read again `checkMs` later: what is overdue is still overdue then, so nothing is
   * lost — and the change stream itself (heartbeats, other changes) does not stop for it.
   */
  async overdue(): Promise<ChangeEvent[]> {
    const now = this.now();
    if (!this.desk || now - this.lastCheck < (this.options.checkMs ?? DEFAULT_OVERDUE_CHECK_MS)) return [];
    this.lastCheck = now;
    let requests: AssistanceRequestRecord[];
    try {
      // Only the open ones: a region's closed requests only grow, and cannot become overdue.
      const [pending, accepted] = await Promise.all([this.desk.inbox('PENDING'), this.desk.inbox('ACCEPTED')]);
      requests = [...pending, ...accepted];
      if (this.failing) this.options.logger.info({}, 'open assistance requests readable again; overdue checks resume');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.options.logger.warn({ err: error }, 'open assistance requests unreadable; overdue check retried later');
      this.failing = true;
      return [];
    }
    const open = new Set<string>();
    const events: ChangeEvent[] = [];
    // Oldest deadline first: followers get the overdue requests in the order they fell due.
    const byDeadline = [...requests].sort((a, b) => a.deadline.localeCompare(b.deadline) || a.id.localeCompare(b.id));
    for (const request of byDeadline) {
      if (!isOpen(request)) continue;
      const key = keyOf(request.id, request.deadline);
      open.add(key);
      if (!isOverdue(request, now) || this.announcedKeys.has(key)) continue;
      events.push({
        region: this.region,
        type: 'AssistanceRequest',
        id: request.id,
        idNumbers: [],
        plates: [],
        at: request.deadline,
        assistance: partiesOf(request, 'OVERDUE'),
      });
    }
    // A request answered or declined since cannot become overdue again: forget it.
    for (const key of [...this.announcedKeys]) {
      if (open.has(key)) continue;
      this.announcedKeys.delete(key);
      this.dirty = true;
    }
    return events;
  }

  /** The overdue events went out: remember them (and rewrite the file). */
  announced(events: readonly ChangeEvent[]): void {
    for (const event of events) this.announcedKeys.add(keyOf(event.id, event.at));
    if (events.length === 0 && !this.dirty) return;
    this.dirty = false;
    writeAnnounced(this.options.overdueFile, [...this.announcedKeys], this.options.logger);
  }
}

/** A request's identity for "already announced": its id and deadline (a re-seeded system reusing an id has another deadline). */
function keyOf(id: string, deadline: string): string {
  return `${id} ${deadline}`;
}

function partiesOf(request: AssistanceRequestRecord, happened: AssistanceHappening) {
  return { happened, fromRegion: request.fromRegion, requestedBy: request.requestedBy };
}

function readAnnounced(file: string | null, logger: Logger): string[] {
  if (!file) return [];
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as { announced?: unknown };
    if (Array.isArray(value.announced) && value.announced.every((k) => typeof k === 'string')) return value.announced;
    logger.warn(
      { file },
      'overdue-announcement file is not {"announced": [strings]}; starting with none (open overdue requests are announced again)',
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      logger.warn(
        { err: error, file },
        'overdue-announcement file unreadable; starting with none (open overdue requests are announced again)',
      );
  }
  return [];
}

function writeAnnounced(file: string | null, announced: string[], logger: Logger): void {
  if (!file) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, `${JSON.stringify({ announced })}\n`);
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    // The events went out; only a restart would announce them again.
    logger.warn({ err: error, file }, 'could not record the overdue announcements; a restart would repeat them');
  }
}
