/**
 * How many assistance requests this region holds open, and how many of them are overdue,
 * counted from the region's own system (its adapter's inbox) — so the gateway's gauges
 * show what the receiving regions hold, not what happened to pass through one gateway.
 */
import type { AssistanceDesk, AssistanceRequestRecord } from '../../adapters/adapter.ts';

export interface AssistanceCounts {
  open: number;
  overdue: number;
}

/** Open: not yet answered or declined. */
export function isOpen(request: Pick<AssistanceRequestRecord, 'status'>): boolean {
  return request.status === 'PENDING' || request.status === 'ACCEPTED';
}

/** Overdue: open past its deadline (the one definition the contract's `overdue` and the counts share). */
export function isOverdue(request: Pick<AssistanceRequestRecord, 'status' | 'deadline'>, now = Date.now()): boolean {
  return isOpen(request) && now > Date.parse(request.deadline);
}

export async function countAssistance(desk: AssistanceDesk, now = Date.now()): Promise<AssistanceCounts> {
  const counts: AssistanceCounts = { open: 0, overdue: 0 };
  for (const request of await desk.inbox(null)) {
    if (!isOpen(request)) continue;
    counts.open += 1;
    if (isOverdue(request, now)) counts.overdue += 1;
  }
  return counts;
}
