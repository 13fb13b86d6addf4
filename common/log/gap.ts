/**
 * The gap record: written when a chained log found a damaged tail on start, so the loss
 * is itself on the record. The gateway's audit log and the regions' disclosure and
 * witness logs write the same entry.
 */
import type { TailProblem } from './sink.ts';

/** The version of the records the chained logs write (audit records, gaps, refusal summaries). */
export const RECORD_VERSION = 1;

/** Written when the log found a damaged tail on start: the loss is itself on the record. */
export interface GapRecordBody extends TailProblem {
  type: 'gap';
  v: number;
  at: string;
  instance: string;
}

export function gapRecord(instance: string, problem: TailProblem): GapRecordBody {
  return { type: 'gap', v: RECORD_VERSION, at: new Date().toISOString(), instance, ...problem };
}
