/**
 * Signed checkpoints of a chain's head.
 *
 * A checkpoint says "instance I's chain had `count` entries and its last line hashed to
 * `head` at time `at`", signed with the gateway's Ed25519 key. Kept somewhere the log
 * writer cannot rewrite (an append-only checkpoint file, the regions' witnesses), they
 * turn a cut tail or a freshly re-made chain into a detectable mismatch.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical.ts';
import type { AuditKeys } from './keys.ts';

/**
 * Why a checkpoint was written. `open`: the writer (re)opened the log and continues the
 * chain from this head — a signed statement that entries after `count` may follow;
 * `close`: the writer stopped cleanly — nothing may follow until the next `open`.
 * Periodic checkpoints (every N entries, every T seconds) carry no event.
 */
export type CheckpointEvent = 'open' | 'close';

/** The writer's checkpoint cadence, signed into each `open` checkpoint so verify bounds the unsigned tail by what the writer promised, not by a config file an intruder could edit. */
export interface CheckpointPolicy {
  /** A checkpoint at least every this many entries … */
  every: number;
  /** … give or take one group-commit batch of at most this many entries … */
  maxBatch: number;
  /** … and every this many seconds while entries arrive (0: no timer). */
  seconds: number;
}

export interface CheckpointBody {
  type: 'checkpoint';
  instance: string;
  count: number;
  head: string;
  at: string;
  keyId: string;
  event?: CheckpointEvent;
  policy?: CheckpointPolicy;
}

export interface SignedCheckpoint extends CheckpointBody {
  signature: string;
}

export function signCheckpoint(keys: AuditKeys, fields: Omit<CheckpointBody, 'type' | 'keyId'>): SignedCheckpoint {
  const body: CheckpointBody = { type: 'checkpoint', ...fields, keyId: keys.keyId };
  const signature = sign(null, Buffer.from(canonicalJson(body)), keys.privateKey).toString('base64');
  return { ...body, signature };
}

export function checkpointSignatureValid(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  const { signature, ...body } = checkpoint;
  try {
    return verify(null, Buffer.from(canonicalJson(body)), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Parse one checkpoint line; throws naming what is wrong with it. */
export function parseCheckpoint(line: string): SignedCheckpoint {
  const value = JSON.parse(line) as Partial<SignedCheckpoint>;
  const wellFormed =
    value?.type === 'checkpoint' &&
    typeof value.instance === 'string' &&
    Number.isInteger(value.count) &&
    typeof value.head === 'string' &&
    typeof value.at === 'string' &&
    typeof value.keyId === 'string' &&
    typeof value.signature === 'string' &&
    (value.event === undefined || value.event === 'open' || value.event === 'close') &&
    (value.policy === undefined || policyWellFormed(value.policy));
  if (!wellFormed)
    throw new Error(
      'expected {type:"checkpoint", instance, count, head, at, keyId, signature[, event: "open"|"close"][, policy: {every, maxBatch, seconds}]}',
    );
  return value as SignedCheckpoint;
}

function policyWellFormed(policy: unknown): boolean {
  const p = policy as Partial<CheckpointPolicy> | null;
  return typeof p === 'object' && p !== null && Number.isInteger(p.every) && Number.isInteger(p.maxBatch) && Number.isInteger(p.seconds);
}

/** Where checkpoints go. The file, Redis and every witness implement it. */
export interface CheckpointStore {
  /** Resolves once the checkpoint is durable in this store. */
  put(checkpoint: SignedCheckpoint): Promise<void>;
}
