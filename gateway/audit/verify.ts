/**
 * Verification of a chained log against its signed checkpoints.
 *
 * Walks every entry in order and names the first damage and its kind:
 * - edited      an entry's bytes no longer match its hash, or its successor's `prev`;
 * - removed     sequence numbers jump (entries or whole files deleted);
 * - reordered   an entry appears before one with a lower sequence number;
 * - truncated   a torn last line, or fewer entries than a signed checkpoint counts;
 * - rewritten   a self-consistent chain whose heads do not match the signed checkpoints;
 * - checkpoint-mismatch  a checkpoint with a bad signature, unknown key or going backwards;
 * - checkpoint-missing   a checkpoint a witness holds is not in the writer's own checkpoint
 *               store (deleted, emptied, cut back), or a log with entries has no checkpoint;
 * - appended    entries past the last signed checkpoint that its writer cannot have left
 *               unsigned: after its `close` checkpoint, more than its signed cadence allows
 *               (`every` - 1 + `maxBatch` entries), or spread over longer than its timer allows;
 * - operation-text  a stored query text that no longer hashes to its key, or a record
 *               whose operation hash has no stored text (texts are bound to the chain
 *               through the hash each record carries).
 * Sources (files, a Redis stream) are turned into segments of lines by the caller.
 *
 * What a passing verify proves (with the public key): every entry up to the highest
 * checkpoint any source holds is exactly what the key holder signed; a witness's copy
 * makes that hold even against whoever controls the writer's disk. Entries past it (the
 * unsigned tail, reported) are chained but unsigned: anyone can extend a hash chain, so
 * they are accepted only within the bounds the writer signed in its last `open`.
 */
import type { KeyObject } from 'node:crypto';
import { GENESIS, parseChainLine } from '../../common/log/chain.ts';
import { sha256Hex } from '../../common/log/canonical.ts';
import { checkpointSignatureValid, parseCheckpoint, type CheckpointPolicy, type SignedCheckpoint } from '../../common/log/checkpoint.ts';
import { keyIdOf } from '../../common/log/keys.ts';

export type DamageKind =
  | 'edited'
  | 'removed'
  | 'reordered'
  | 'truncated'
  | 'rewritten'
  | 'checkpoint-mismatch'
  | 'checkpoint-missing'
  | 'appended'
  | 'operation-text';

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
  /**
   * `local`: the writer's own checkpoint store (file or stream), which holds every
   * checkpoint it signed. `witness`: a copy kept elsewhere (a region), which may hold
   * fewer (it was down) but never one the local store lacks. Default `local`.
   */
  role?: 'local' | 'witness';
}

/** The operation-text side store: `{hash, text}` JSON lines (file) or hash fields (Redis). */
export interface OperationTexts {
  location: string;
  /** One `{"hash":…,"text":…}` JSON object per line. */
  lines: string[];
}

export interface VerifyOptions {
  /** The chain's instance; default: named by the local checkpoints, else by the first entry. Witness checkpoints of other instances are ignored. */
  instance?: string | null;
  /** The cadence to hold an unsigned tail to when no `open` checkpoint states it (logs written before checkpoints carried it). */
  fallbackPolicy?: CheckpointPolicy | null;
  /** Check stored query texts against the records' operation hashes; null: not checked. */
  operations?: OperationTexts | null;
}

/** Entries after the highest signed checkpoint: chained, but provable only once signed. */
export interface UnsignedTail {
  entries: number;
  fromSeq: number;
  toSeq: number;
  /** The checkpoint they follow (null: none at all). */
  after: { count: number; at: string; event: string | null } | null;
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
  /** The instance whose checkpoints were checked (null without a key). */
  instance: string | null;
  /** Per checkpoint source: how many checkpoints of this instance it holds and the highest count. */
  sources: { location: string; role: 'local' | 'witness'; checkpoints: number; highest: number | null }[];
  unsignedTail: UnsignedTail | null;
  /** Stored operation texts checked (null: not checked). */
  operationTexts: number | null;
  damage: Damage | null;
}

interface Position {
  location: string;
  line: number;
}

/** Without a public key (a log never checkpointed, e.g. a disclosure log) only the chain (and any operation texts) is checked. */
export function verifyChain(
  segments: Segment[],
  checkpointSources: CheckpointSource[],
  publicKey: KeyObject | null,
  options: VerifyOptions = {},
): VerifyReport {
  const report: VerifyReport = {
    ok: true,
    segments: segments.length,
    entries: 0,
    byType: {},
    checkpoints: 0,
    lastSeq: 0,
    head: GENESIS,
    gaps: [],
    instance: null,
    sources: [],
    unsignedTail: null,
    operationTexts: null,
    damage: null,
  };
  const instance = publicKey ? (options.instance ?? instanceOf(checkpointSources, segments)) : null;
  report.instance = instance;
  const { checkpoints, damage: checkpointDamage } =
    publicKey && instance !== null ? loadCheckpoints(checkpointSources, publicKey, instance) : { checkpoints: [], damage: null };
  report.checkpoints = checkpoints.length;
  report.sources = publicKey ? checkpointSources.map((source) => summarise(source, checkpoints)) : [];
  const last = publicKey ? lastCheckpoint(checkpoints) : null;
  const tail = new TailWatch(last?.checkpoint.count ?? 0);
  const references = new Map<string, { where: Position; seq: number }>();
  const damage =
    walkChain(segments, checkpoints, report, tail, references) ??
    checkpointDamage ??
    coverage(checkpoints, report, segments) ??
    (publicKey ? missingCheckpoints(checkpoints, checkpointSources, report) : null) ??
    (publicKey ? unsignedTail(last, checkpoints, tail, report, options.fallbackPolicy ?? null) : null) ??
    (options.operations ? operationTexts(options.operations, references, report) : null);
  report.damage = damage;
  report.ok = damage === null;
  return report;
}

function walkChain(
  segments: Segment[],
  checkpoints: Checkpointed[],
  report: VerifyReport,
  tail: TailWatch,
  references: Map<string, { where: Position; seq: number }>,
): Damage | null {
  const signedHeads = new Map<number, Checkpointed[]>();
  for (const c of checkpoints) signedHeads.set(c.checkpoint.count, [...(signedHeads.get(c.checkpoint.count) ?? []), c]);
  let previous: Position | null = null;
  for (const [s, segment] of segments.entries()) {
    for (const [i, line] of segment.lines.entries()) {
      const here = { location: segment.location, line: i + 1 };
      const damage = checkEntry(line, here, report, previous, signedHeads, () => laterSeqs(segments, s, i), tail, references);
      if (damage) return damage;
      previous = here;
    }
    if (segment.torn && segment.torn.length > 0) {
      return at(
        'truncated',
        { location: segment.location, line: segment.lines.length + 1 },
        report.lastSeq + 1,
        `torn last line (${segment.torn.length} bytes without a newline): a write was cut short${s < segments.length - 1 ? ', yet later files follow' : ''}`,
      );
    }
  }
  return null;
}

function checkEntry(
  line: string,
  here: Position,
  report: VerifyReport,
  previous: Position | null,
  signedHeads: Map<number, Checkpointed[]>,
  later: () => Iterable<number>,
  tail: TailWatch,
  references: Map<string, { where: Position; seq: number }>,
): Damage | null {
  const parsed = parseChainLine(line);
  const expected = report.lastSeq + 1;
  if (!parsed.ok) return at('edited', here, expected, parsed.detail);
  const { entry, lineHash } = parsed;
  if (entry.seq > expected) {
    const reordered = [...later()].includes(expected);
    return at(
      reordered ? 'reordered' : 'removed',
      here,
      entry.seq,
      reordered
        ? `seq ${entry.seq} appears where seq ${expected} belongs; seq ${expected} comes later`
        : `seq jumps from ${report.lastSeq} to ${entry.seq}: ${entry.seq - expected} entr${entry.seq - expected === 1 ? 'y' : 'ies'} missing`,
    );
  }
  if (entry.seq < expected) return at('reordered', here, entry.seq, `seq ${entry.seq} appears after seq ${report.lastSeq}`);
  if (entry.prev !== report.head) {
    return at(
      'edited',
      previous ?? here,
      report.lastSeq || null,
      `entry seq ${report.lastSeq} was changed after it was written: its line no longer hashes to the prev (${entry.prev.slice(0, 12)}…) of seq ${entry.seq} at ${here.location}:${here.line}`,
    );
  }
  const signed = signedHeads.get(entry.seq)?.find((c) => c.checkpoint.head !== lineHash);
  if (signed) {
    return at(
      'rewritten',
      here,
      entry.seq,
      `the chain is self-consistent but seq ${entry.seq} does not match the head signed in checkpoint ${signed.where.location}:${signed.where.line} (${signed.checkpoint.at}): the log was re-made`,
    );
  }
  tally(report, entry, lineHash);
  tail.see(entry, here);
  const hash = operationHashOf(entry);
  if (hash && !references.has(hash)) references.set(hash, { where: here, seq: entry.seq });
  return null;
}

function operationHashOf(entry: Record<string, unknown>): string | null {
  if (entry.type !== 'audit') return null;
  const hash = (entry.operation as { hash?: unknown } | undefined)?.hash;
  return typeof hash === 'string' ? hash : null;
}

/** Follows the entries past the highest checkpoint while the chain is walked (logs are too big to keep). */
class TailWatch {
  first: { where: Position; seq: number; at: number } | null = null;
  lastAt = Number.NaN;
  count = 0;

  constructor(readonly signedCount: number) {}

  see(entry: Record<string, unknown> & { seq: number }, where: Position): void {
    if (entry.seq <= this.signedCount) return;
    const at = typeof entry.at === 'string' ? Date.parse(entry.at) : Number.NaN;
    this.first ??= { where, seq: entry.seq, at };
    this.lastAt = at;
    this.count++;
  }
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
  const highest = checkpoints.reduce<Checkpointed | null>(
    (best, c) => (!best || c.checkpoint.count > best.checkpoint.count ? c : best),
    null,
  );
  if (!highest || highest.checkpoint.count <= report.lastSeq) return null;
  const last = segments.at(-1);
  return at(
    'truncated',
    { location: last?.location ?? '(no log files)', line: (last?.lines.length ?? 0) + 1 },
    report.lastSeq + 1,
    `log ends at seq ${report.lastSeq} but checkpoint ${highest.where.location}:${highest.where.line} (${highest.checkpoint.at}) signed ${highest.checkpoint.count} entries: the tail was cut`,
  );
}

/**
 * Every checkpoint a witness holds was first stored by the writer (it stores, then
 * offers), so one missing from the writer's own store was removed from it; and a log
 * with entries always has one (the writer signs an `open` checkpoint before its first entry).
 */
function missingCheckpoints(checkpoints: Checkpointed[], sources: CheckpointSource[], report: VerifyReport): Damage | null {
  const local = checkpoints.filter((c) => c.role === 'local');
  const localSignatures = new Set(local.map((c) => c.checkpoint.signature));
  const localHighest = local.reduce((n, c) => Math.max(n, c.checkpoint.count), 0);
  const localNames =
    sources
      .filter((s) => (s.role ?? 'local') === 'local')
      .map((s) => s.location)
      .join(', ') || '(no local checkpoint store)';
  const missing = checkpoints.find((c) => c.role === 'witness' && !localSignatures.has(c.checkpoint.signature));
  if (missing) {
    const { count, at: signedAt, event } = missing.checkpoint;
    const held = local.length === 0 ? 'is missing or empty' : `holds ${local.length} checkpoint(s) up to count ${localHighest}`;
    return at(
      'checkpoint-missing',
      { location: localNames, line: local.length + 1 },
      count,
      `${localNames} ${held}, but witness ${missing.where.location}:${missing.where.line} holds checkpoint count ${count}${event ? ` (${event})` : ''} of ${signedAt} for instance ${report.instance}: checkpoints were deleted from the writer's store`,
    );
  }
  if (local.length === 0 && report.entries > 0) {
    return at(
      'checkpoint-missing',
      { location: localNames, line: 1 },
      null,
      `${localNames} holds no signed checkpoint of instance ${report.instance}, yet the log holds ${report.entries} entries (the writer signs one before its first entry): the checkpoint store was deleted or emptied`,
    );
  }
  return null;
}

/** The checkpoint the tail follows: the highest count, and of those the one stored last (a `close` then an `open` means the writer restarted). */
function lastCheckpoint(checkpoints: Checkpointed[]): Checkpointed | null {
  let best: Checkpointed | null = null;
  for (const c of checkpoints) {
    if (!best || c.checkpoint.count > best.checkpoint.count) best = c;
    else if (c.checkpoint.count === best.checkpoint.count && (c.role === 'local' || best.role === 'witness')) best = c;
  }
  return best;
}

/** Slack over the writer's timer for request latency, group commit and timer jitter. */
const TIMER_SLACK_MS = 10_000;

function unsignedTail(
  last: Checkpointed | null,
  checkpoints: Checkpointed[],
  tail: TailWatch,
  report: VerifyReport,
  fallback: CheckpointPolicy | null,
): Damage | null {
  if (!tail.first) return null;
  const first = tail.first;
  report.unsignedTail = {
    entries: tail.count,
    fromSeq: first.seq,
    toSeq: report.lastSeq,
    after: last ? { count: last.checkpoint.count, at: last.checkpoint.at, event: last.checkpoint.event ?? null } : null,
  };
  if (!last) return null; // a log with entries and no checkpoint at all is checkpoint-missing
  const range = `seq ${first.seq}–${report.lastSeq} (${tail.count} entr${tail.count === 1 ? 'y' : 'ies'})`;
  const after = `checkpoint ${last.where.location}:${last.where.line} (count ${last.checkpoint.count}, ${last.checkpoint.at})`;
  if (last.checkpoint.event === 'close') {
    return at(
      'appended',
      first.where,
      first.seq,
      `${range} follow the writer's shutdown ${after} with no signed restart (\`open\` checkpoint) after it: appended by someone without the audit key`,
    );
  }
  const policy = policyOf(last, checkpoints) ?? fallback;
  if (!policy) return null;
  const allowed = policy.every - 1 + policy.maxBatch;
  if (tail.count > allowed) {
    return at(
      'appended',
      first.where,
      first.seq,
      `${range} follow ${after}, but the writer signs a checkpoint at least every ${policy.every} entries (+ one batch of at most ${policy.maxBatch}), so at most ${allowed} can be unsigned: entries were appended without the audit key`,
    );
  }
  const spanMs = tail.lastAt - first.at;
  const limitMs = 2 * policy.seconds * 1000 + TIMER_SLACK_MS;
  if (policy.seconds > 0 && spanMs > limitMs) {
    return at(
      'appended',
      first.where,
      first.seq,
      `${range} follow ${after} and span ${Math.round(spanMs / 1000)} s, but the writer signs a checkpoint every ${policy.seconds} s while entries arrive (at most ${limitMs / 1000} s unsigned): entries were appended without the audit key`,
    );
  }
  return null;
}

/** The cadence the writer signed when it last opened the log, at or before the checkpoint the tail follows. */
function policyOf(last: Checkpointed, checkpoints: Checkpointed[]): CheckpointPolicy | null {
  const sameSource = checkpoints.filter((c) => c.where.location === last.where.location && c.where.line <= last.where.line);
  for (let i = sameSource.length - 1; i >= 0; i--) {
    const policy = sameSource[i].checkpoint.policy;
    if (sameSource[i].checkpoint.event === 'open' && policy) return policy;
  }
  return null;
}

/** Each stored text must hash to its key, and each hash a record names must have its text: a query text is then as fixed as the record. */
function operationTexts(
  store: OperationTexts,
  references: Map<string, { where: Position; seq: number }>,
  report: VerifyReport,
): Damage | null {
  const known = new Set<string>();
  for (const [i, line] of store.lines.entries()) {
    const where = { location: store.location, line: i + 1 };
    let value: { hash?: unknown; text?: unknown };
    try {
      value = JSON.parse(line) as { hash?: unknown; text?: unknown };
    } catch (error) {
      return at('operation-text', where, null, `not JSON (${(error as Error).message}); expected {"hash": SHA-256, "text": query text}`);
    }
    if (typeof value?.hash !== 'string' || typeof value.text !== 'string')
      return at('operation-text', where, null, 'expected {"hash": SHA-256, "text": query text}');
    const actual = sha256Hex(value.text);
    if (actual !== value.hash) {
      return at(
        'operation-text',
        where,
        null,
        `stored query text no longer hashes to its key ${value.hash.slice(0, 12)}… (it hashes to ${actual.slice(0, 12)}…): the text was edited`,
      );
    }
    known.add(value.hash);
  }
  report.operationTexts = known.size;
  for (const [hash, { where, seq }] of references) {
    if (!known.has(hash)) {
      return at(
        'operation-text',
        where,
        seq,
        `the record names operation ${hash.slice(0, 12)}… but ${store.location} holds no text for it: the stored query text was removed`,
      );
    }
  }
  return null;
}

interface Checkpointed {
  checkpoint: SignedCheckpoint;
  where: Position;
  role: 'local' | 'witness';
}

/** The instance a log belongs to: named by its own checkpoints, else by its first entry. */
function instanceOf(sources: CheckpointSource[], segments: Segment[]): string | null {
  for (const source of sources.filter((s) => (s.role ?? 'local') === 'local')) {
    for (const line of source.lines) {
      try {
        return unwrapCheckpoint(line).instance;
      } catch {
        // damaged lines are reported by loadCheckpoints
      }
    }
  }
  for (const segment of segments) {
    for (const line of segment.lines) {
      try {
        const instance = (JSON.parse(line) as { instance?: unknown }).instance;
        if (typeof instance === 'string') return instance;
      } catch {
        // reported by the walk
      }
    }
  }
  return null;
}

function summarise(source: CheckpointSource, checkpoints: Checkpointed[]): VerifyReport['sources'][number] {
  const own = checkpoints.filter((c) => c.where.location === source.location);
  return {
    location: source.location,
    role: source.role ?? 'local',
    checkpoints: own.length,
    highest: own.length ? Math.max(...own.map((c) => c.checkpoint.count)) : null,
  };
}

function loadCheckpoints(
  sources: CheckpointSource[],
  publicKey: KeyObject,
  instance: string,
): { checkpoints: Checkpointed[]; damage: Damage | null } {
  const keyId = keyIdOf(publicKey);
  const checkpoints: Checkpointed[] = [];
  let damage: Damage | null = null;
  for (const source of sources) {
    let highest = 0;
    const role = source.role ?? 'local';
    for (const [i, line] of source.lines.entries()) {
      const where = { location: source.location, line: i + 1 };
      // A witness keeps the checkpoints of every gateway instance; only this chain's count.
      const named = role === 'witness' ? witnessedInstance(line) : null;
      if (named === undefined || (named !== null && named !== instance)) continue;
      const problem = checkCheckpoint(line, keyId, publicKey, highest);
      if (typeof problem === 'string') {
        damage ??= at('checkpoint-mismatch', where, null, problem);
        continue;
      }
      highest = problem.count;
      checkpoints.push({ checkpoint: problem, where, role });
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
  if (!checkpointSignatureValid(checkpoint, publicKey))
    return `checkpoint for count ${checkpoint.count} has an invalid signature (edited or forged)`;
  if (checkpoint.count < highest) return `checkpoint count goes backwards (${highest} then ${checkpoint.count})`;
  return checkpoint;
}

/** The instance a witness line's checkpoint is for; undefined for the witness log's other entries (gaps); null when unreadable (reported as damage). */
function witnessedInstance(line: string): string | null | undefined {
  try {
    const value = JSON.parse(line) as { type?: unknown };
    if (value?.type !== 'checkpoint' && value?.type !== 'witnessed-checkpoint') return undefined;
    return unwrapCheckpoint(line).instance;
  } catch {
    return null;
  }
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
