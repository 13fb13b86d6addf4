/**
 * Verification of a chained log against its signed checkpoints.
 *
 * Walks every entry in order and names the first damage and its kind:
 * - edited      an entry's bytes no longer match its hash, or its successor's `prev`;
 * - removed     sequence numbers jump (entries or whole files deleted);
 * - reordered   an entry appears before one with a lower sequence number;
 * - truncated   a torn last line, or fewer entries than a signed checkpoint counts;
 * - rewritten   a self-consistent chain whose heads do not match the signed checkpoints;
 * - checkpoint-mismatch  a checkpoint with a bad signature, unknown key or going backwards.
 * Sources (files, a Redis stream) are turned into segments of lines by the caller.
 */
import type { KeyObject } from 'node:crypto';
import { GENESIS, parseChainLine } from './chain.ts';
import { checkpointSignatureValid, parseCheckpoint, type SignedCheckpoint } from './checkpoint.ts';
import { keyIdOf } from './keys.ts';

export type DamageKind = 'edited' | 'removed' | 'reordered' | 'truncated' | 'rewritten' | 'checkpoint-mismatch';

export interface Damage {
  kind: DamageKind;
  /** File name or stream key. */
  location: string;
  /** 1-based line (or stream position) within the location. */
  line: number;
  seq: number | null;
  detail: string;
}

export interface Segment {
  location: string;
  lines: string[];
  /** Bytes after the last newline (a write that never completed). */
  torn: Buffer | null;
}

export interface CheckpointSource {
  location: string;
  lines: string[];
}

export interface VerifyReport {
  ok: boolean;
  segments: number;
  entries: number;
  byType: Record<string, number>;
  checkpoints: number;
  lastSeq: number;
  head: string;
  gaps: Record<string, unknown>[];
  damage: Damage | null;
}

interface Position {
  location: string;
  line: number;
}

/** Without a public key (a log never checkpointed, e.g. a disclosure log) only the chain is checked. */
export function verifyChain(segments: Segment[], checkpointSources: CheckpointSource[], publicKey: KeyObject | null): VerifyReport {
  const report: VerifyReport = {
    ok: true, segments: segments.length, entries: 0, byType: {}, checkpoints: 0, lastSeq: 0, head: GENESIS, gaps: [], damage: null,
  };
  const { checkpoints, damage: checkpointDamage } = publicKey ? loadCheckpoints(checkpointSources, publicKey) : { checkpoints: [], damage: null };
  report.checkpoints = checkpoints.length;
  const damage = walkChain(segments, checkpoints, report) ?? checkpointDamage ?? coverage(checkpoints, report, segments);
  report.damage = damage;
  report.ok = damage === null;
  return report;
}

function walkChain(segments: Segment[], checkpoints: Checkpointed[], report: VerifyReport): Damage | null {
  const signedHeads = new Map(checkpoints.map((c) => [c.checkpoint.count, c]));
  let previous: Position | null = null;
  for (const [s, segment] of segments.entries()) {
    for (const [i, line] of segment.lines.entries()) {
      const here = { location: segment.location, line: i + 1 };
      const damage = checkEntry(line, here, report, previous, signedHeads, () => laterSeqs(segments, s, i));
      if (damage) return damage;
      previous = here;
    }
    if (segment.torn && segment.torn.length > 0) {
      return at('truncated', { location: segment.location, line: segment.lines.length + 1 }, report.lastSeq + 1,
        `torn last line (${segment.torn.length} bytes without a newline): a write was cut short${s < segments.length - 1 ? ', yet later files follow' : ''}`);
    }
  }
  return null;
}

function checkEntry(
  line: string, here: Position, report: VerifyReport, previous: Position | null,
  signedHeads: Map<number, Checkpointed>, later: () => Iterable<number>,
): Damage | null {
  const parsed = parseChainLine(line);
  const expected = report.lastSeq + 1;
  if (!parsed.ok) return at('edited', here, expected, parsed.detail);
  const { entry, lineHash } = parsed;
  if (entry.seq > expected) {
    const reordered = [...later()].includes(expected);
    return at(reordered ? 'reordered' : 'removed', here, entry.seq, reordered
      ? `seq ${entry.seq} appears where seq ${expected} belongs; seq ${expected} comes later`
      : `seq jumps from ${report.lastSeq} to ${entry.seq}: ${entry.seq - expected} entr${entry.seq - expected === 1 ? 'y' : 'ies'} missing`);
  }
  if (entry.seq < expected) return at('reordered', here, entry.seq, `seq ${entry.seq} appears after seq ${report.lastSeq}`);
  if (entry.prev !== report.head) {
    return at('edited', previous ?? here, report.lastSeq || null,
      `entry seq ${report.lastSeq} was changed after it was written: its line no longer hashes to the prev (${entry.prev.slice(0, 12)}…) of seq ${entry.seq} at ${here.location}:${here.line}`);
  }
  const signed = signedHeads.get(entry.seq);
  if (signed && signed.checkpoint.head !== lineHash) {
    return at('rewritten', here, entry.seq,
      `the chain is self-consistent but seq ${entry.seq} does not match the head signed in checkpoint ${signed.where.location}:${signed.where.line} (${signed.checkpoint.at}): the log was re-made`);
  }
  tally(report, entry, lineHash);
  return null;
}

function tally(report: VerifyReport, entry: Record<string, unknown> & { seq: number }, lineHash: string): void {
  report.entries++;
  report.lastSeq = entry.seq;
  report.head = lineHash;
  const type = String(entry.type ?? 'entry');
  report.byType[type] = (report.byType[type] ?? 0) + 1;
  if (type === 'gap') report.gaps.push(entry);
}

/** A signed checkpoint counting more entries than the log holds means the tail was cut. */
function coverage(checkpoints: Checkpointed[], report: VerifyReport, segments: Segment[]): Damage | null {
  const highest = checkpoints.reduce<Checkpointed | null>((best, c) => (!best || c.checkpoint.count > best.checkpoint.count ? c : best), null);
  if (!highest || highest.checkpoint.count <= report.lastSeq) return null;
  const last = segments.at(-1);
  return at('truncated', { location: last?.location ?? '(no log files)', line: (last?.lines.length ?? 0) + 1 }, report.lastSeq + 1,
    `log ends at seq ${report.lastSeq} but checkpoint ${highest.where.location}:${highest.where.line} (${highest.checkpoint.at}) signed ${highest.checkpoint.count} entries: the tail was cut`);
}

interface Checkpointed {
  checkpoint: SignedCheckpoint;
  where: Position;
}

function loadCheckpoints(sources: CheckpointSource[], publicKey: KeyObject): { checkpoints: Checkpointed[]; damage: Damage | null } {
  const keyId = keyIdOf(publicKey);
  const checkpoints: Checkpointed[] = [];
  let damage: Damage | null = null;
  for (const source of sources) {
    let highest = 0;
    for (const [i, line] of source.lines.entries()) {
      const where = { location: source.location, line: i + 1 };
      const problem = checkCheckpoint(line, keyId, publicKey, highest);
      if (typeof problem === 'string') {
        damage ??= at('checkpoint-mismatch', where, null, problem);
        continue;
      }
      highest = problem.count;
      checkpoints.push({ checkpoint: problem, where });
    }
  }
  return { checkpoints, damage };
}

/** The checkpoint, or what is wrong with it. */
function checkCheckpoint(line: string, keyId: string, publicKey: KeyObject, highest: number): SignedCheckpoint | string {
  let checkpoint: SignedCheckpoint;
  try {
    checkpoint = unwrapCheckpoint(line);
  } catch (error) {
    return `unreadable checkpoint: ${(error as Error).message}`;
  }
  if (checkpoint.keyId !== keyId) return `checkpoint signed with key ${checkpoint.keyId}; expected the gateway key ${keyId}`;
  if (!checkpointSignatureValid(checkpoint, publicKey)) return `checkpoint for count ${checkpoint.count} has an invalid signature (edited or forged)`;
  if (checkpoint.count < highest) return `checkpoint count goes backwards (${highest} then ${checkpoint.count})`;
  return checkpoint;
}

/** Checkpoint files hold bare checkpoints; a witness log holds them inside chained entries. */
function unwrapCheckpoint(line: string): SignedCheckpoint {
  const value = JSON.parse(line) as { type?: string; checkpoint?: unknown };
  return parseCheckpoint(value.type === 'witnessed-checkpoint' ? JSON.stringify(value.checkpoint) : line);
}

function* laterSeqs(segments: Segment[], fromSegment: number, fromLine: number): Iterable<number> {
  for (let s = fromSegment; s < segments.length; s++) {
    const lines = segments[s].lines;
    for (let i = s === fromSegment ? fromLine + 1 : 0; i < lines.length; i++) {
      const seq = seqOf(lines[i]);
      if (seq !== null) yield seq;
    }
  }
}

function seqOf(line: string): number | null {
  try {
    const seq = (JSON.parse(line) as { seq?: unknown }).seq;
    return Number.isInteger(seq) ? (seq as number) : null;
  } catch {
    return null;
  }
}

function at(kind: DamageKind, where: Position, seq: number | null, detail: string): Damage {
  return { kind, location: where.location, line: where.line, seq, detail };
}
