/**
 * Refusals of callers who are not authenticated (a bad or missing token, a malformed
 * request), per client address and fixed window: the first `max` refusals of a window
 * are answered as they are and audited one record each; past that, the address's
 * refusals are answered 429 RATE_LIMITED until the window ends and only counted. When
 * the window ends (and at shutdown) the count becomes one summary — so a flood costs
 * the audit at most `max` + 1 records per address per window, however many requests
 * it sends, and cannot fill the disk that officers' records need.
 *
 * Authenticated callers never pass through here: their refusals (a missing purpose,
 * their own rate limit) are audited one by one, always.
 *
 * An address is an IPv4 address, or an IPv6 /64 (one host is usually given a whole
 * /64, so counting per /128 would let it rotate addresses). At most `maxAddresses`
 * are tracked at once; refusals from further addresses share one window under "*",
 * so memory and the summaries per window stay bounded too.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { RefusalsPerAddressConfig } from './config.ts';

/** One address's counted refusals in one window: what its summary record says. */
export interface RefusalTally {
  /** The address key: IPv4, `xxxx:xxxx:xxxx:xxxx::/64`, or `*` (addresses past the tracking limit). */
  address: string;
  /** Window start and end, UTC ms. */
  from: number;
  to: number;
  /** Refusals answered 429 and not audited one by one. */
  count: number;
  /** What each counted request would have been refused with (UNAUTHENTICATED…), and how often. */
  codes: Record<string, number>;
}

export type AddressDecision = { counted: false } | { counted: true; retryAfterSeconds: number; first: boolean };

interface Window {
  from: number;
  answered: number;
  counted: number;
  codes: Record<string, number>;
}

export const OTHER_ADDRESSES = '*';

export class AddressRefusals {
  readonly #windows = new Map<string, Window>();
  readonly #windowMs: number;
  readonly #timer: NodeJS.Timeout;
  /** Summaries that could not be written yet (the audit refused): retried on the next sweep. */
  #pending: RefusalTally[] = [];
  #sweeping: Promise<void> = Promise.resolve();

  /**
   * `write` makes a closed window's summary durable; if it rejects, the summary is kept
   * and offered again on the next sweep and at close.
   */
  constructor(
    private readonly config: RefusalsPerAddressConfig,
    private readonly write: (tally: RefusalTally) => Promise<void>,
    private readonly maxAddresses = 10_000,
    sweepEveryMs = Math.min(1000, config.windowSeconds * 1000),
  ) {
    this.#windowMs = config.windowSeconds * 1000;
    this.#timer = setInterval(() => void this.sweep(), sweepEveryMs);
    this.#timer.unref();
  }

  /** Counts one refusal of a caller who is not authenticated; says whether it is only counted. */
  admit(address: string, code: string, now: number = Date.now()): AddressDecision {
    const key = this.#key(addressKey(address));
    let window = this.#windows.get(key);
    if (window && now >= window.from + this.#windowMs) {
      this.#close(key, window);
      window = undefined;
    }
    if (!window) {
      window = { from: now, answered: 0, counted: 0, codes: {} };
      this.#windows.set(key, window);
    }
    if (window.answered < this.config.max) {
      window.answered++;
      return { counted: false };
    }
    window.counted++;
    window.codes[code] = (window.codes[code] ?? 0) + 1;
    return {
      counted: true,
      retryAfterSeconds: Math.max(1, Math.ceil((window.from + this.#windowMs - now) / 1000)),
      first: window.counted === 1,
    };
  }

  /** Writes the summaries of the windows that have ended. */
  sweep(now: number = Date.now()): Promise<void> {
    for (const [key, window] of this.#windows) {
      if (now >= window.from + this.#windowMs) this.#close(key, window);
    }
    return this.#flush();
  }

  /** Closes every window now and writes its summary (at shutdown, before the audit log closes). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const [key, window] of this.#windows) this.#close(key, window);
    await this.#flush();
  }

  #key(key: string): string {
    return this.#windows.has(key) || this.#windows.size < this.maxAddresses ? key : OTHER_ADDRESSES;
  }

  #close(key: string, window: Window): void {
    this.#windows.delete(key);
    if (window.counted === 0) return;
    this.#pending.push({
      address: key,
      from: window.from,
      to: Math.min(Date.now(), window.from + this.#windowMs),
      count: window.counted,
      codes: window.codes,
    });
  }

  /** One flush at a time, in order; a summary the audit refuses stays pending. */
  #flush(): Promise<void> {
    this.#sweeping = this.#sweeping.then(async () => {
      const pending = this.#pending;
      this.#pending = [];
      for (const tally of pending) {
        await this.write(tally).catch(() => this.#pending.push(tally));
      }
    });
    return this.#sweeping;
  }
}

/** IPv4 as it is (also when written IPv4-mapped, `::ffff:1.2.3.4`); IPv6 by its /64. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head, tail] = address.split('%')[0].split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const toGroups = (list: string[]) => list.flatMap((g) => (g.includes('.') ? ipv4Groups(g) : [g]));
  const left = toGroups(groups(head));
  const right = toGroups(groups(tail));
  const middle = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...middle, ...right].map((g) => Number.parseInt(g, 16).toString(16));
}

function ipv4Groups(dotted: string): string[] {
  const [a, b, c, d] = dotted.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
