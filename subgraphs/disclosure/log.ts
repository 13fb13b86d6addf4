/**
 * A region's own records of what it handed out: `LOGS/<region>/disclosure-000001.jsonl`, …
 * (one entry per response that carried the region's data: to which officer of which
 * region, under which gateway audit id and purpose; rotated at 64 MiB like the gateway's
 * audit log, a `disclosure.jsonl` from before rotation being the first segment) and
 * `LOGS/<region>/witness.jsonl` (the gateway checkpoints it has witnessed: one line per
 * checkpoint, so it stays small). Both are hash-chained, group-committed and fail closed
 * exactly like the gateway's audit log — the same ChainedLog and FileSink. LOGS is the
 * subgraph's `--logs` directory (default its data directory).
 */
import { join } from 'node:path';
import type { SignedCheckpoint } from '../../common/log/checkpoint.ts';
import { FileSink } from '../../common/log/file-sink.ts';
import { ChainedLog, type Logger } from '../../common/log/log.ts';
import type { LogLayout } from '../../common/log/log-files.ts';
import { gapRecord, type GapRecordBody } from '../../common/log/gap.ts';
import type { Officer } from '../../common/officer.ts';
import type { Subjects } from '../../common/audit/subjects.ts';

export interface DisclosureBody {
  type: 'disclosure';
  v: number;
  at: string;
  /** The region that disclosed (this subgraph's). */
  region: string;
  /** Contract part asked: records, index or search. */
  part: string;
  /** The gateway's audit id for the operation (from the internal token), else this request's id. */
  auditId: string;
  officer: Officer | null;
  purpose: { code: string; text: string; caseRef: string | null } | null;
  operationName: string | null;
  subjects: Subjects;
}

/**
 * A write the region was asked to make (an assistance mutation): `phase: 'intent'` is
 * made durable before the write, `phase: 'outcome'` after the operation — written, or
 * refused / failed with the error codes, which also covers writes refused before any
 * resolver ran (a graphql-shield rule, bad input).
 */
export interface WriteBody {
  type: 'write';
  v: number;
  at: string;
  region: string;
  auditId: string;
  officer: Officer | null;
  purpose: { code: string; text: string; caseRef: string | null } | null;
  operationName: string | null;
  phase: 'intent' | 'outcome';
  /** The mutation field(s). */
  actions: string[];
  /** Requests acted on or made (`GZ:AR-…`). */
  requests: string[];
  subjects: string[];
  /** intent: the checked input; outcome: the officer's variables as sent. */
  detail: Record<string, unknown>;
  outcome?: 'written' | 'refused' | 'failed';
  errorCodes?: string[];
}

export interface WitnessedBody {
  type: 'witnessed-checkpoint';
  v: number;
  receivedAt: string;
  region: string;
  checkpoint: SignedCheckpoint;
}

export type DisclosureLog = ChainedLog<DisclosureBody | WriteBody | GapRecordBody>;
export type WitnessLog = ChainedLog<WitnessedBody | GapRecordBody>;

export interface DisclosureLogOptions {
  /** The logs root (the subgraph's `--logs`, default its data root `.data`); the logs go to `<logsDir>/<region>/`. */
  logsDir: string;
  region: string;
  logger?: Logger;
}

/** Disclosure segments are rotated at this size (what the gateway's audit log defaults to). */
export const DISCLOSURE_SEGMENT_BYTES = 64 * 1024 * 1024;

export function disclosureLayout(logsDir: string, region: string, prefix: 'disclosure' | 'witness'): LogLayout {
  return prefix === 'disclosure'
    ? { dir: join(logsDir, region), prefix, rotate: true, legacyFile: true }
    : { dir: join(logsDir, region), prefix, rotate: false };
}

export function openDisclosureLog(options: DisclosureLogOptions): Promise<DisclosureLog> {
  return openRegionLog<DisclosureBody | WriteBody>(options, 'disclosure');
}

export function openWitnessLog(options: DisclosureLogOptions): Promise<WitnessLog> {
  return openRegionLog<WitnessedBody>(options, 'witness');
}

async function openRegionLog<T extends object>(
  options: DisclosureLogOptions,
  prefix: 'disclosure' | 'witness',
): Promise<ChainedLog<T | GapRecordBody>> {
  const log = new ChainedLog<T | GapRecordBody>({
    sink: new FileSink({
      ...disclosureLayout(options.logsDir, options.region, prefix),
      maxFileBytes: prefix === 'disclosure' ? DISCLOSURE_SEGMENT_BYTES : Number.MAX_SAFE_INTEGER,
    }),
    instance: options.region,
    keys: null, // the region's log is checked by its chain; its heads are not signed by the gateway key
    checkpointEvery: Number.MAX_SAFE_INTEGER,
    checkpointIntervalMs: 0,
    commit: { delayMs: 0, maxBatch: 1024 },
    logger: options.logger,
    gapEntry: (problem) => gapRecord(options.region, problem),
  });
  await log.open();
  return log;
}
