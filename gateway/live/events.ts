/**
 * What the gateway pushes, before it is resolved for a subscriber: a change the regions
 * published, or a status the gateway itself observed. Each gets an id that grows by one
 * per event in this gateway process, prefixed by the process's epoch, so a client's
 * `Last-Event-ID` says both "which gateway life" and "how far".
 */
import type { ChangeEvent } from '../../common/changes/event.ts';

export type LiveKind =
  | 'WANTED_NOTICE'
  | 'VEHICLE_ALERT'
  | 'ASSISTANCE_STATUS'
  | 'ASSISTANCE_OVERDUE'
  | 'GAP'
  | 'REGION_UNAVAILABLE'
  | 'REGION_RESTORED'
  | 'CATCH_UP';

export interface LiveEvent {
  /** `<epoch>.<seq>`. */
  id: string;
  seq: number;
  kind: LiveKind;
  region: string | null;
  at: string;
  /** For WANTED_NOTICE, VEHICLE_ALERT and the ASSISTANCE_ kinds: what the region published. */
  change?: ChangeEvent;
  /** For CATCH_UP: the one watched key whose current state the event shows. */
  subject?: { idNumber: string | null; plate: string | null };
  detail?: string;
}

/** The record types whose changes are pushed, and the event kind each becomes. */
export const PUSHED_TYPES: Readonly<Record<string, LiveKind>> = { WantedNotice: 'WANTED_NOTICE', VehicleAlert: 'VEHICLE_ALERT' };

/**
 * The event kind a change becomes, or null when it is not pushed. An assistance request's
 * change is pushed only with the parties its region published (`assistance`): without
 * them the hub could not tell whose it is.
 */
export function pushedKind(change: ChangeEvent): LiveKind | null {
  if (change.type === 'AssistanceRequest') {
    if (!change.assistance) return null;
    return change.assistance.happened === 'OVERDUE' ? 'ASSISTANCE_OVERDUE' : 'ASSISTANCE_STATUS';
  }
  return PUSHED_TYPES[change.type] ?? null;
}

/** The kinds that are about an assistance request. */
export function isAssistanceKind(kind: LiveKind): boolean {
  return kind === 'ASSISTANCE_STATUS' || kind === 'ASSISTANCE_OVERDUE';
}

/** Parses `<epoch>.<seq>`; null when the text is not one of ours. */
export function parseEventId(text: string): { epoch: string; seq: number } | null {
  const match = /^([0-9a-z]{1,32})\.(\d{1,15})$/.exec(text.trim());
  return match ? { epoch: match[1], seq: Number(match[2]) } : null;
}
