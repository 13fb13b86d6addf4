import { describe, expect, it } from 'vitest';
import { AddressRefusals, addressKey, OTHER_ADDRESSES, type RefusalTally } from './address-refusals.ts';
import { validateLimitsConfig } from './config.ts';

function counter(max: number, windowSeconds: number, maxAddresses?: number, write?: (t: RefusalTally) => Promise<void>) {
  const written: RefusalTally[] = [];
  const refusals = new AddressRefusals(
    { max, windowSeconds },
    write ??
      (async (t) => {
        written.push(t);
      }),
    maxAddresses,
    60_000,
  );
  return { refusals, written };
}

describe('refusals per client address', () => {
  it('answers the first `max` of a window, counts the rest, and summarises them when the window ends', async () => {
    const { refusals, written } = counter(2, 10);
    const t0 = 1_000_000;
    expect(refusals.admit('10.0.0.1', 'UNAUTHENTICATED', t0)).toEqual({ counted: false });
    expect(refusals.admit('10.0.0.1', 'UNAUTHENTICATED', t0 + 1)).toEqual({ counted: false });
    expect(refusals.admit('10.0.0.1', 'BODY_NOT_JSON', t0 + 2000)).toEqual({ counted: true, retryAfterSeconds: 8, first: true });
    expect(refusals.admit('10.0.0.1', 'UNAUTHENTICATED', t0 + 9500)).toEqual({ counted: true, retryAfterSeconds: 1, first: false });
    expect(refusals.admit('10.0.0.2', 'UNAUTHENTICATED', t0 + 9500)).toEqual({ counted: false });
    await refusals.sweep(t0 + 9999);
    expect(written).toEqual([]);
    await refusals.sweep(t0 + 10_000);
    expect(written).toEqual([
      { address: '10.0.0.1', from: t0, to: t0 + 10_000, count: 2, codes: { BODY_NOT_JSON: 1, UNAUTHENTICATED: 1 } },
    ]);
    // A new window: answered again. An address that was never counted leaves no summary.
    expect(refusals.admit('10.0.0.1', 'UNAUTHENTICATED', t0 + 10_001)).toEqual({ counted: false });
    await refusals.close();
    expect(written).toHaveLength(1);
  });

  it('writes every open window at close, and keeps a summary the audit refused for the next try', async () => {
    let refuse = true;
    const written: RefusalTally[] = [];
    const { refusals } = counter(1, 60, undefined, async (t) => {
      if (refuse) throw new Error('AUDIT_UNAVAILABLE');
      written.push(t);
    });
    refusals.admit('10.0.0.1', 'UNAUTHENTICATED', 0);
    refusals.admit('10.0.0.1', 'UNAUTHENTICATED', 1);
    await refusals.sweep(60_000);
    expect(written).toEqual([]);
    refuse = false;
    await refusals.close();
    expect(written.map((t) => [t.address, t.count])).toEqual([['10.0.0.1', 1]]);
  });

  it('tracks at most `maxAddresses` addresses; the rest share one window under "*"', async () => {
    const { refusals, written } = counter(1, 60, 2);
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) refusals.admit(address, 'UNAUTHENTICATED', 0);
    expect(refusals.admit('10.0.0.5', 'UNAUTHENTICATED', 0)).toMatchObject({ counted: true });
    await refusals.close();
    expect(written.map((t) => [t.address, t.count])).toEqual([[OTHER_ADDRESSES, 2]]);
  });

  it('keys IPv4 (also IPv4-mapped) by address and IPv6 by its /64', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('unknown')).toBe('unknown');
  });

  it('is configured and checked at start-up as limits.refusalsPerAddress', () => {
    expect(validateLimitsConfig({}).refusalsPerAddress).toEqual({ max: 20, windowSeconds: 60 });
    expect(validateLimitsConfig({ refusalsPerAddress: { max: 5, windowSeconds: 10 } }).refusalsPerAddress).toEqual({
      max: 5,
      windowSeconds: 10,
    });
    expect(() => validateLimitsConfig({ refusalsPerAddress: { max: 0 } })).toThrow(
      'limits.refusalsPerAddress.max: expected an integer from 1 to 1000000, got 0',
    );
    expect(() => validateLimitsConfig({ refusalsPerAddress: { windowSeconds: 'a minute' } })).toThrow(
      'limits.refusalsPerAddress.windowSeconds: expected an integer',
    );
    expect(() => validateLimitsConfig({ refusalsPerAddress: { perSecond: 1 } })).toThrow(
      'limits.refusalsPerAddress.perSecond: unknown setting',
    );
    expect(() => validateLimitsConfig({ maxVariablesDepth: 0 })).toThrow(
      'limits.maxVariablesDepth: expected an integer from 1 to 1000, got 0',
    );
  });
});
