/**
 * A membership filter over a region's global keys: "may this region hold identity number
 * X / plate Y?" — never "no" for a key that was added (no false negatives), sometimes
 * "maybe" for one that was not (false positives, at the rate it was sized for).
 *
 * A Bloom filter (the `bloomfilter` package, see docs/architecture.md "Membership
 * filters" for why it and not an xor or binary-fuse filter): it takes keys added after
 * it was built, so the change stream updates a copy in place on both sides, where a
 * static filter would need a side list of keys added since its build. Keys of the two
 * kinds are prefixed (`p:` persons, `v:` vehicles), so a plate can never vouch for a number.
 */
import { BloomFilter } from 'bloomfilter';

export type KeyKind = 'idNumber' | 'plate';

/** What a filter was sized for; `bits` and `hashes` are derived from it. */
export interface FilterSizing {
  /** Keys it holds at the stated false-positive rate; more keys raise the rate. */
  capacity: number;
  falsePositiveRate: number;
}

export interface FilterShape {
  bits: number;
  hashes: number;
}

/** The largest filter we build or accept: 2^32 bits is the library's own limit (512 MiB). */
export const MAX_FILTER_BITS = 2 ** 32;

const PREFIX: Readonly<Record<KeyKind, string>> = { idNumber: 'p:', plate: 'v:' };

/** The textbook optimum: m = -n·ln p / (ln 2)², k = (m/n)·ln 2. */
export function shapeFor({ capacity, falsePositiveRate }: FilterSizing): FilterShape {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`filter capacity ${capacity}: expected a whole number ≥ 1`);
  if (!(falsePositiveRate > 0 && falsePositiveRate < 1))
    throw new RangeError(`filter false-positive rate ${falsePositiveRate}: expected a number between 0 and 1 (exclusive)`);
  const bits = Math.ceil((-capacity * Math.log(falsePositiveRate)) / Math.LN2 ** 2 / 32) * 32;
  if (bits > MAX_FILTER_BITS)
    throw new RangeError(`a filter for ${capacity} keys at ${falsePositiveRate} needs ${bits} bits, over ${MAX_FILTER_BITS}`);
  return { bits, hashes: Math.max(1, Math.round((bits / capacity) * Math.LN2)) };
}

export class KeyFilter {
  private added = 0;

  private constructor(
    private readonly bloom: BloomFilter,
    keys: number,
  ) {
    this.added = keys;
  }

  /** An empty filter sized for `sizing`. */
  static sized(sizing: FilterSizing): KeyFilter {
    const { bits, hashes } = shapeFor(sizing);
    return new KeyFilter(new BloomFilter(bits, hashes), 0);
  }

  /**
   * A filter from its bits as published (little-endian 32-bit words, as `bytes()` gives
   * them), e.g. the copy the gateway verified. Throws naming what does not fit.
   */
  static fromBytes(bytes: Uint8Array, shape: FilterShape, keys: number): KeyFilter {
    if (!Number.isSafeInteger(shape.bits) || shape.bits < 32 || shape.bits % 32 !== 0 || shape.bits > MAX_FILTER_BITS)
      throw new RangeError(`filter bits ${shape.bits}: expected a multiple of 32 from 32 to ${MAX_FILTER_BITS}`);
    if (!Number.isSafeInteger(shape.hashes) || shape.hashes < 1 || shape.hashes > 64)
      throw new RangeError(`filter hashes ${shape.hashes}: expected a whole number from 1 to 64`);
    if (bytes.byteLength * 8 !== shape.bits)
      throw new RangeError(`filter has ${bytes.byteLength * 8} bits of data, its header says ${shape.bits}`);
    // Copy into an aligned buffer: a Buffer slice may sit at any byte offset.
    const words = new Uint32Array(shape.bits / 32);
    new Uint8Array(words.buffer).set(bytes);
    return new KeyFilter(new BloomFilter(words, shape.hashes), keys);
  }

  add(kind: KeyKind, key: string): void {
    this.bloom.add(PREFIX[kind] + key);
    this.added++;
  }

  mayHold(kind: KeyKind, key: string): boolean {
    return this.bloom.test(PREFIX[kind] + key);
  }

  /** Keys added (duplicates counted each time): the builder rebuilds larger past its capacity. */
  get keys(): number {
    return this.added;
  }

  /**
   * Distinct keys it holds, estimated from the bits set (n ≈ −(m/k)·ln(1 − X/m)): `keys`
   * counts every add, and a region lists many keys more than once (a person's number as a
   * record, a party and an owner), so sizing a rebuild by `keys` would waste space.
   */
  estimatedDistinctKeys(): number {
    const words = this.bloom.buckets;
    let set = 0;
    for (let i = 0; i < words.length; i++) {
      let v = words[i];
      v -= (v >>> 1) & 0x55555555;
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      set += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    const { bits, hashes } = this.shape;
    if (set >= bits) return Number.POSITIVE_INFINITY;
    return Math.round((-bits / hashes) * Math.log(1 - set / bits));
  }

  get shape(): FilterShape {
    return { bits: this.bloom.m, hashes: this.bloom.k };
  }

  /** The bits as bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const words = this.bloom.buckets;
    return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  }
}
