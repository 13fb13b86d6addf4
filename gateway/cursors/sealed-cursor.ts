/**
 * Sealed search cursors: what clients get as `cursor` / `endCursor` and send back as
 * `after`.
 *
 * Wire form: `c1.<kid>.<base64url(iv ‖ ciphertext ‖ tag)>` — AES-256-GCM under the
 * cursor key `kid` (keys.ts), with `c1.<kid>` as additional authenticated data. The
 * plaintext is JSON:
 *
 *     { "o": <caller digest>, "q": <search digest>, "e": <expiry, unix seconds>, "r": <composite position>,
 *       "k": <last node key emitted, or null> }
 *
 * - Opaque: the region cursors inside hold identity numbers and local record ids
 *   (the search's sort keys); encryption keeps them from whoever holds the cursor.
 * - Authenticated: a changed byte fails the GCM tag, so a client cannot steer a region
 *   to an arbitrary keyset position or skip regions.
 * - Bound: `o` digests the officer (`sub`) and `q` the search field with its filter, so
 *   a cursor another officer was given, or one from another search, is refused. The
 *   binding is checked after decryption (it is authenticated like the rest) so the
 *   refusal can say which of the two did not match.
 * - Expiring: `e` = issue time + the configured lifetime; each page issues fresh ones.
 * - `k` lets the merge skip, in every region, keys already emitted on earlier pages
 *   (merge/connection-merge.ts): region positions alone repeat a node when a region
 *   missed a page.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { CursorError, positionFrom, type CompositePosition } from './composite-position.ts';
import type { CursorKey, CursorKeyRing } from './keys.ts';

const VERSION = 'c1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SHAPE = /^c1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]+)$/;

/** Whom and what a cursor is for. */
export interface CursorBinding {
  /** The officer's `sub` ('' for an anonymous caller, where anonymous access is allowed). */
  caller: string;
  /** The search root field, e.g. `searchPersons`. */
  field: string;
  /** The filter argument's value (as the subgraph receives it). */
  filter: unknown;
}

export interface CursorSealerOptions {
  keys: CursorKeyRing;
  ttlSeconds: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

export class CursorSealer {
  private readonly byKid: Map<string, CursorKey>;
  private readonly now: () => number;

  constructor(private readonly options: CursorSealerOptions) {
    this.byKid = new Map(options.keys.map((k) => [k.kid, k]));
    this.now = options.now ?? Date.now;
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  seal(position: CompositePosition, binding: CursorBinding, lastKey: string | null = null): string {
    const key = this.options.keys[0];
    const header = `${VERSION}.${key.kid}`;
    const body = {
      o: callerDigest(binding),
      q: searchDigest(binding),
      e: Math.floor(this.now() / 1000) + this.options.ttlSeconds,
      r: position,
      k: lastKey,
    };
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.key, iv);
    cipher.setAAD(Buffer.from(header, 'utf8'));
    const sealed = Buffer.concat([iv, cipher.update(JSON.stringify(body), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${header}.${sealed.toString('base64url')}`;
  }

  /** The position a cursor holds; throws CursorError naming what is wrong with it. */
  open(cursor: string, binding: CursorBinding): CompositePosition {
    return this.openPage(cursor, binding).position;
  }

  /** The position a cursor holds and the last node key emitted before it (null: none recorded). */
  openPage(cursor: string, binding: CursorBinding): { position: CompositePosition; lastKey: string | null } {
    const shown = JSON.stringify(cursor.length > 12 ? `${cursor.slice(0, 12)}…` : cursor);
    const expected = 'pass the endCursor (or an edge cursor) of a previous page of the same search, or start again without after';
    const shape = SHAPE.exec(cursor);
    if (!shape) throw new CursorError('malformed', `${shown} is not a cursor this gateway issued; ${expected}`);
    const key = this.byKid.get(shape[1]);
    if (!key)
      throw new CursorError(
        'tampered',
        `cursor ${shown} was sealed with a key this gateway no longer holds (rotated out) or never held; ${expected}`,
      );
    const body = decrypt(key, `${VERSION}.${shape[1]}`, Buffer.from(shape[2], 'base64url'));
    if (!body)
      throw new CursorError(
        'tampered',
        `cursor ${shown} was altered or was not issued by this gateway (its seal does not verify); ${expected}`,
      );
    if (typeof body.e !== 'number' || body.e * 1000 <= this.now()) {
      const when = typeof body.e === 'number' ? new Date(body.e * 1000).toISOString() : 'an unknown time';
      throw new CursorError(
        'expired',
        `cursor ${shown} expired at ${when} (cursors are valid for ${this.options.ttlSeconds} s after their page); start the search again without after`,
      );
    }
    if (body.o !== callerDigest(binding))
      throw new CursorError(
        'other-caller',
        `cursor ${shown} was issued to another officer; cursors cannot be passed on — start the search again without after`,
      );
    if (body.q !== searchDigest(binding))
      throw new CursorError(
        'other-search',
        `cursor ${shown} belongs to another search (a different search field or filter than ${binding.field} with this filter); page with the same field and filter, or start again without after`,
      );
    if (body.k !== undefined && body.k !== null && typeof body.k !== 'string') {
      throw new CursorError('malformed', `cursor ${shown} holds a last key of type ${typeof body.k}; expected a node key or null`);
    }
    return { position: positionFrom(body.r), lastKey: body.k ?? null };
  }
}

function decrypt(key: CursorKey, header: string, sealed: Buffer): Record<string, unknown> | null {
  if (sealed.length < IV_BYTES + TAG_BYTES + 2) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(header, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const text = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    const body = JSON.parse(text) as unknown;
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function callerDigest(binding: CursorBinding): string {
  return digest(`caller\u0000${binding.caller}`);
}

function searchDigest(binding: CursorBinding): string {
  return digest(`search\u0000${binding.field}\u0000${canonical(binding.filter)}`);
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 22);
}

/**
 * JSON with object keys sorted and null/absent fields dropped, so `{ name: "張*" }`
 * and `{ sex: null, name: "張*" }` — the same search — bind alike.
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
