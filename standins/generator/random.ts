/**
 * Seeded randomness for the generator.
 *
 * Every record is a pure function of (seed, region, entity, index): the generator never
 * remembers what it made, it recomputes it. That is what keeps memory flat at a million
 * persons per region and lets a case in one region name a vehicle registered in another
 * without either side holding a lookup table.
 */

/** Murmur3's finaliser: a fast, well-mixing 32-bit bijection. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a tuple of non-negative integers (each below 2^53). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const low = part >>> 0;
    const high = Math.floor(part / 0x1_0000_0000) >>> 0;
    h = fmix32(h ^ fmix32(low + 0x7f4a7c15));
    h = fmix32(h ^ fmix32(high + 0x2545f491));
  }
  return h;
}

/** A seed typed on the command line ("42", "demo") as a 32-bit number. */
export function seedFromText(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) >>> 0;
  let h = 0x811c9dc5; // FNV-1a
  for (const ch of Buffer.from(text, 'utf8')) h = Math.imul(h ^ ch, 0x01000193);
  return h >>> 0;
}

/** sfc32: small, fast, and good enough for synthetic data. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...key: number[]) {
    const base = hash32(...key);
    this.a = fmix32(base ^ 0x243f6a88);
    this.b = fmix32(base ^ 0x85a308d3);
    this.c = fmix32(base ^ 0x13198a2e);
    this.d = 1;
    for (let i = 0; i < 4; i++) this.next();
  }

  /** Uniform in [0, 2^32). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Pick by weight: `[[value, weight], …]`. */
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    const total = table.reduce((sum, [, w]) => sum + w, 0);
    let x = this.float() * total;
    for (const [value, weight] of table) {
      x -= weight;
      if (x < 0) return value;
    }
    return table[table.length - 1][0];
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * An affine permutation of [0, size): `x → (a·x + c) mod size`, with its inverse.
 * Used where uniqueness must hold by construction (identity numbers, plates, owners)
 * rather than by checking a set that would not fit in memory.
 */
export class AffinePermutation {
  private readonly a: bigint;
  private readonly c: bigint;
  private readonly aInverse: bigint;
  private readonly n: bigint;

  constructor(
    readonly size: number,
    salt: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`AffinePermutation: size must be a positive integer, got ${size}`);
    let a = 2_654_435_761 + (salt % 1000) * 2;
    while (gcd(a % size || size, size) !== 1 && size > 1) a++;
    this.n = BigInt(size);
    this.a = BigInt(a) % this.n;
    this.c = BigInt(hash32(salt, 77)) % this.n;
    this.aInverse = modInverse(this.a, this.n);
  }

  apply(x: number): number {
    return Number((this.a * BigInt(x) + this.c) % this.n);
  }

  invert(y: number): number {
    return Number(((((BigInt(y) - this.c) % this.n) + this.n) * this.aInverse) % this.n);
  }
}

function modInverse(a: bigint, n: bigint): bigint {
  if (n === 1n) return 0n;
  let [oldR, r] = [a, n];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % n) + n) % n;
}
