/**
 * Where chained lines are made durable. The file sink (default) and the Redis Streams
 * sink implement it; the AuditLog on top of them owns the chain, group commit,
 * checkpoints and fail-closed behaviour, so the two behave identically.
 */
import type { ChainHead } from './chain.ts';
import type { CheckpointStore, SignedCheckpoint } from './checkpoint.ts';

/** Something wrong with the tail found while opening; the log records it as a gap entry. */
export interface TailProblem {
  reason: 'torn-tail';
  /** Where it was: file name or stream key. */
  location: string;
  /** 1-based line number of the torn line. */
  line: number;
  bytes: number;
  sha256: string;
  /** Where the damaged bytes were moved so nothing is silently dropped. */
  movedTo: string;
}

export interface RecoveredTail {
  head: ChainHead;
  problems: TailProblem[];
}

export interface AuditSink extends CheckpointStore {
  /** Human-readable location, for log lines and errors. */
  readonly description: string;
  /** Open (or re-open after a failure): read and check the tail, set damaged bytes aside. */
  open(): Promise<RecoveredTail>;
  /** Make these lines durable, in order, after everything written before. */
  writeBatch(lines: string[]): Promise<void>;
  /** The most recent checkpoint this sink holds, to refuse continuing a cut log. */
  lastCheckpoint(): Promise<SignedCheckpoint | null>;
  put(checkpoint: SignedCheckpoint): Promise<void>;
  close(): Promise<void>;
}
