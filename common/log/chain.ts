/**
 * The hash chain shared by the gateway audit log and the regions' disclosure logs.
 *
 * Every entry is one JSON line carrying:
 * - `seq`  1, 2, 3… without gaps, across file rotations and restarts;
 * - `prev` the SHA-256 of the previous entry's canonical line (GENESIS for the first);
 * - `hash` the SHA-256 of the entry's own canonical serialisation without `hash`.
 * Editing any byte changes `hash`; recomputing `hash` breaks the next entry's `prev`;
 * rewriting every entry from that point on is caught by the signed checkpoints.
 */
import { canonicalJson, canonicalWithDerived, sha256Hex } from './canonical.ts';

export const GENESIS = '0'.repeat(64);

export interface ChainFields {
  seq: number;
  prev: string;
  hash: string;
}

export type Chained<T> = T & ChainFields;

/** Where the chain stands: the last entry's seq (0 when empty) and its line's hash. */
export interface ChainHead {
  seq: number;
  lineHash: string;
}

export const EMPTY_HEAD: ChainHead = Object.freeze({ seq: 0, lineHash: GENESIS });

export function entryHash(entry: Record<string, unknown>): string {
  const { hash: _ignored, ...rest } = entry;
  return sha256Hex(canonicalJson(rest));
}

/** Hands out seq/prev/hash in append order; the caller writes the lines in that order. */
export class Chain {
  #head: ChainHead;

  constructor(head: ChainHead = EMPTY_HEAD) {
    this.#head = { ...head };
  }

  get head(): ChainHead {
    return { ...this.#head };
  }

  /** Move the head, e.g. back to the last durable entry after a failed write. */
  reset(head: ChainHead): void {
    this.#head = { ...head };
  }

  link<T extends object>(body: T): { entry: Chained<T>; line: string } {
    for (const reserved of ['seq', 'prev', 'hash']) {
      if (reserved in body) throw new TypeError(`Chain.link: the body already has a "${reserved}" field; it is reserved for the chain`);
    }
    const unhashed = { ...body, seq: this.#head.seq + 1, prev: this.#head.lineHash };
    // `hash` over the canonical entry without it, and the line with it: one serialisation.
    const { value: hash, withMember: line } = canonicalWithDerived(unhashed, 'hash', sha256Hex);
    const entry = { ...unhashed, hash } as Chained<T>;
    this.#head = { seq: entry.seq, lineHash: sha256Hex(line) };
    return { entry, line };
  }
}

export type LineProblem = 'unparseable' | 'not-canonical' | 'hash';

export type ParsedLine =
  | { ok: true; entry: Chained<Record<string, unknown>>; lineHash: string }
  | { ok: false; problem: LineProblem; detail: string };

/** Check one line on its own: JSON, canonical form, and its `hash`. Links are the caller's job. */
export function parseChainLine(line: string): ParsedLine {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch (error) {
    return { ok: false, problem: 'unparseable', detail: `not JSON (${(error as Error).message})` };
  }
  if (!isChainEntry(entry)) {
    return { ok: false, problem: 'unparseable', detail: 'expected an object with numeric seq and string prev/hash' };
  }
  if (canonicalJson(entry) !== line) {
    return { ok: false, problem: 'not-canonical', detail: 'line is not in canonical form (bytes were changed)' };
  }
  const expected = entryHash(entry);
  if (expected !== entry.hash) {
    return { ok: false, problem: 'hash', detail: `hash ${entry.hash.slice(0, 12)}… does not match content (${expected.slice(0, 12)}…)` };
  }
  return { ok: true, entry, lineHash: sha256Hex(line) };
}

function isChainEntry(value: unknown): value is Chained<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return Number.isInteger(v.seq) && typeof v.prev === 'string' && typeof v.hash === 'string';
}
