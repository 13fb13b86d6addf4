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

export interface CheckpointBody {
  type: 'checkpoint';
  instance: string;
  count: number;
  head: string;
  at: string;
  keyId: string;
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
  const wellFormed = value?.type === 'checkpoint' && typeof value.instance === 'string'
    && Number.isInteger(value.count) && typeof value.head === 'string' && typeof value.at === 'string'
    && typeof value.keyId === 'string' && typeof value.signature === 'string';
  if (!wellFormed) throw new Error('expected {type:"checkpoint", instance, count, head, at, keyId, signature}');
  return value as SignedCheckpoint;
}

/** Where checkpoints go. The file, Redis and every witness implement it. */
export interface CheckpointStore {
  /** Resolves once the checkpoint is durable in this store. */
  put(checkpoint: SignedCheckpoint): Promise<void>;
}
