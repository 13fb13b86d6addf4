/**
 * The membership filter as a region publishes it (`GET <region>/filter`) and the gateway
 * reads it: a header saying whose filter it is and which point of the region's change
 * stream it covers, the filter's bits, and an Ed25519 signature over both by the
 * region's own filter key (filter-keys.ts).
 *
 *   { "header": "<JSON text>", "bits": "<base64>", "kid": "<key id>", "signature": "<base64url>" }
 *
 * The header is carried as text so that what was signed is exactly what is read: the
 * signature covers `header + "\n" + bits`, no re-serialisation on either side.
 *
 * The same envelope (`sealFilter` / `unsealFilter`) keeps the region's own snapshot of its
 * filter between runs (subgraphs/filters/snapshot.ts), under another `format`.
 *
 * `epoch` and `seq` are the change publisher's (common/changes/protocol.ts): the filter
 * holds every key of every change the publisher sent up to and including `seq` in that
 * epoch, and every key the region held when the filter was built.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { SigningKey } from '../security/key-files.ts';
import { KeyFilter, type FilterShape } from './key-filter.ts';

export const FILTER_PATH = '/filter';
export const FILTER_FORMAT = 'liandong-filter/1';

export interface FilterHeader {
  format: typeof FILTER_FORMAT;
  region: string;
  /** The change publisher's epoch and the last message seq the filter covers. */
  epoch: string;
  seq: number;
  /** When the region finished reading its keys for this filter (ISO). */
  builtAt: string;
  /** Keys added so far (duplicates included). */
  keys: number;
  bits: number;
  hashes: number;
}

export interface PublishedFilter {
  header: string;
  bits: string;
  kid: string;
  signature: string;
}

/** A verified filter and what it says about itself. */
export interface FilterCopy {
  header: FilterHeader;
  filter: KeyFilter;
}

function signedText(header: string, bits: string): Buffer {
  return Buffer.from(`${header}\n${bits}`, 'utf8');
}

/** What every signed filter's header says about itself; the `format` names the kind (published, snapshot…). */
export interface SealedHeader {
  format: string;
  region: string;
  /** Keys added so far (duplicates included). */
  keys: number;
  bits: number;
  hashes: number;
}

/**
 * Signs `filter` under `header` with the region's filter key: the envelope both the
 * published filter and the region's own snapshot (subgraphs/filters/snapshot.ts) use. The
 * bits are read synchronously, so a caller that reads the filter's position in the same
 * turn gets the two as one.
 */
export function sealFilter<H extends { format: string; region: string }>(key: SigningKey, header: H, filter: KeyFilter): string {
  const headerText = JSON.stringify({ ...header, keys: filter.keys, ...filter.shape });
  const bits = Buffer.from(filter.bytes()).toString('base64');
  const signature = sign(null, signedText(headerText, bits), key.privateKey).toString('base64url');
  const body: PublishedFilter = { header: headerText, bits, kid: key.kid, signature };
  return JSON.stringify(body);
}

/**
 * Opens a sealed filter of `region` in `format`. Anything wrong — not JSON, an unknown
 * key, a bad signature, another format (a published filter is never taken for a snapshot,
 * nor the reverse), another region's filter, a header that does not fit the bits — is a
 * problem naming it, and the filter is not used.
 */
export function unsealFilter(
  text: string,
  region: string,
  format: string,
  keys: ReadonlyMap<string, KeyObject>,
): { header: SealedHeader & Record<string, unknown>; filter: KeyFilter } | { problem: string } {
  let body: Partial<PublishedFilter>;
  try {
    body = JSON.parse(text) as Partial<PublishedFilter>;
  } catch {
    return { problem: 'the filter is not JSON' };
  }
  if (typeof body !== 'object' || body === null) return { problem: 'the filter is not a JSON object' };
  const { header, bits, kid, signature } = body;
  if (typeof header !== 'string' || typeof bits !== 'string' || typeof kid !== 'string' || typeof signature !== 'string')
    return { problem: 'expected {header, bits, kid, signature} strings' };
  const key = keys.get(kid);
  if (!key) return { problem: `signed with key ${JSON.stringify(kid.slice(0, 64))}, which is not one of ${region}'s filter keys` };
  if (!verify(null, signedText(header, bits), key, Buffer.from(signature, 'base64url')))
    return { problem: `the signature does not verify with ${region}'s filter key ${kid}` };
  let parsed: SealedHeader & Record<string, unknown>;
  try {
    parsed = JSON.parse(header) as SealedHeader & Record<string, unknown>;
  } catch {
    return { problem: 'the signed header is not JSON' };
  }
  if (parsed?.format !== format) return { problem: `format ${JSON.stringify(parsed?.format)}, expected ${format}` };
  if (parsed.region !== region) return { problem: `the filter is ${JSON.stringify(parsed.region)}'s, expected ${region}'s` };
  try {
    const shape: FilterShape = { bits: parsed.bits, hashes: parsed.hashes };
    return { header: parsed, filter: KeyFilter.fromBytes(Buffer.from(bits, 'base64'), shape, Number(parsed.keys) || 0) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** The body a region answers `GET /filter` with. */
export function publishFilter(
  key: SigningKey,
  header: Omit<FilterHeader, 'format' | 'bits' | 'hashes' | 'keys'>,
  filter: KeyFilter,
): string {
  return sealFilter(key, { format: FILTER_FORMAT, ...header }, filter);
}

/** Public keys from a region's JWKS, by `kid`. */
export function filterVerifyingKeys(jwks: { keys: JWK[] }): Map<string, KeyObject> {
  return new Map(jwks.keys.map((jwk) => [String(jwk.kid ?? ''), createPublicKey({ key: jwk as never, format: 'jwk' })]));
}

/** Reads and verifies a published filter of `region` (unsealFilter), and the stream position it covers. */
export function readPublishedFilter(text: string, region: string, keys: ReadonlyMap<string, KeyObject>): FilterCopy | { problem: string } {
  const opened = unsealFilter(text, region, FILTER_FORMAT, keys);
  if ('problem' in opened) return opened;
  const header = opened.header as unknown as FilterHeader;
  if (typeof header.epoch !== 'string' || !Number.isSafeInteger(header.seq) || header.seq < 0)
    return { problem: 'the header has no valid epoch and seq' };
  return { header, filter: opened.filter };
}
