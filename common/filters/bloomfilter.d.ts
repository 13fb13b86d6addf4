/** Types for `bloomfilter` (1.1.0 ships none; @types/bloomfilter describes the older 0.0.x API). */
declare module 'bloomfilter' {
  export class BloomFilter {
    /** `m` bits (rounded up to 32) and `k` hashes, or a bucket array to load and `k`. */
    constructor(m: number | ArrayLike<number>, k: number);
    readonly m: number;
    readonly k: number;
    readonly buckets: Uint32Array;
    add(value: string): void;
    test(value: string): boolean;
  }
}
