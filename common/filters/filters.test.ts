import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJwksFile, type SigningKey } from '../security/key-files.ts';
import { normaliseIdNumber } from '../normalise/index.ts';
import { filterKeyFiles, loadFilterSigningKey } from './filter-keys.ts';
import { KeyFilter, shapeFor } from './key-filter.ts';
import { filterVerifyingKeys, publishFilter, readPublishedFilter, type PublishedFilter } from './published-filter.ts';

/** Valid 18-digit numbers (check character computed by the normaliser from 17 digits + any check). */
function idNumbers(count: number, area: string, from = 0): string[] {
  const out: string[] = [];
  for (let i = from; out.length < count; i++) {
    const body = `${area}0101${1950 + (i % 50)}0${1 + (i % 9)}1${i % 10}${String(i).padStart(6, '0').slice(-3)}`;
    for (const check of '0123456789X') {
      try {
        out.push(normaliseIdNumber(body + check));
        break;
      } catch {
        // wrong check character: try the next
      }
    }
  }
  return out;
}

describe('KeyFilter', () => {
  it('sizes by the textbook optimum: ~9.6 bits and 7 hashes per key at 1%', () => {
    expect(shapeFor({ capacity: 1_000_000, falsePositiveRate: 0.01 })).toEqual({ bits: 9_585_088, hashes: 7 });
    expect(() => shapeFor({ capacity: 0, falsePositiveRate: 0.01 })).toThrow(/capacity 0: expected a whole number ≥ 1/);
    expect(() => shapeFor({ capacity: 10, falsePositiveRate: 1 })).toThrow(/false-positive rate 1: expected a number between 0 and 1/);
  });

  it('never says no to a key it holds, and says maybe to about the stated share of others', () => {
    const held = idNumbers(5000, '32');
    const filter = KeyFilter.sized({ capacity: held.length, falsePositiveRate: 0.01 });
    for (const key of held) filter.add('idNumber', key);
    expect(held.filter((key) => !filter.mayHold('idNumber', key))).toEqual([]);
    const others = idNumbers(5000, '52');
    const rate = others.filter((key) => filter.mayHold('idNumber', key)).length / others.length;
    // Deterministic (fixed keys, fixed hash): the measured rate of this set, with room for the sampling spread.
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThan(0.02);
  });

  it('keeps persons and vehicles apart: a plate does not vouch for the same text as a number', () => {
    const filter = KeyFilter.sized({ capacity: 100, falsePositiveRate: 0.001 });
    filter.add('plate', '蘇A12345');
    expect(filter.mayHold('plate', '蘇A12345')).toBe(true);
    expect(filter.mayHold('idNumber', '蘇A12345')).toBe(false);
  });

  it('round-trips through its bytes, and refuses bytes that do not fit the shape', () => {
    const filter = KeyFilter.sized({ capacity: 1000, falsePositiveRate: 0.01 });
    for (const key of idNumbers(1000, '42')) filter.add('idNumber', key);
    const copy = KeyFilter.fromBytes(Buffer.from(filter.bytes()), filter.shape, filter.keys);
    expect(idNumbers(1000, '42').every((key) => copy.mayHold('idNumber', key))).toBe(true);
    expect(copy.keys).toBe(1000);
    expect(() => KeyFilter.fromBytes(new Uint8Array(8), { bits: 96, hashes: 3 }, 0)).toThrow(/64 bits of data, its header says 96/);
    expect(() => KeyFilter.fromBytes(new Uint8Array(4), { bits: 32, hashes: 0 }, 0)).toThrow(/hashes 0/);
  });
});

describe('published filter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'filter-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function setup(): Promise<{ key: SigningKey; keys: ReturnType<typeof filterVerifyingKeys>; body: string }> {
    const key = await loadFilterSigningKey(dir, 'JS');
    const keys = filterVerifyingKeys(readJwksFile(filterKeyFiles(dir, 'JS').jwksFile));
    const filter = KeyFilter.sized({ capacity: 100, falsePositiveRate: 0.01 });
    filter.add('idNumber', '320101195001011012');
    const body = publishFilter(key, { region: 'JS', epoch: 'e1', seq: 7, builtAt: '2026-12-06T00:00:00.000Z' }, filter);
    return { key, keys, body };
  }

  it('is read back with what it covers when the region signed it', async () => {
    const { keys, body } = await setup();
    const copy = readPublishedFilter(body, 'JS', keys);
    if ('problem' in copy) throw new Error(copy.problem);
    expect(copy.header).toMatchObject({ region: 'JS', epoch: 'e1', seq: 7, keys: 1 });
    expect(copy.filter.mayHold('idNumber', '320101195001011012')).toBe(true);
  });

  it('is refused when tampered with, signed by another key, unsigned, or another region’s', async () => {
    const { keys, body } = await setup();
    const parsed = JSON.parse(body) as PublishedFilter;
    const flipped = Buffer.from(parsed.bits, 'base64');
    flipped[0] ^= 0xff;
    const tampered = JSON.stringify({ ...parsed, bits: flipped.toString('base64') });
    expect(readPublishedFilter(tampered, 'JS', keys)).toEqual({ problem: expect.stringMatching(/signature does not verify/) });
    const widened = JSON.stringify({ ...parsed, header: parsed.header.replace('"seq":7', '"seq":99') });
    expect(readPublishedFilter(widened, 'JS', keys)).toEqual({ problem: expect.stringMatching(/signature does not verify/) });
    const { privateKey } = generateKeyPairSync('ed25519');
    const stranger = { ...(await loadFilterSigningKey(dir, 'GZ')), privateKey };
    const forged = JSON.parse(
      publishFilter(stranger, { region: 'JS', epoch: 'e1', seq: 7, builtAt: '' }, KeyFilter.sized({ capacity: 1, falsePositiveRate: 0.5 })),
    );
    expect(readPublishedFilter(JSON.stringify(forged), 'JS', keys)).toEqual({
      problem: expect.stringMatching(/not one of JS's filter keys/),
    });
    expect(readPublishedFilter(JSON.stringify({ ...parsed, signature: undefined }), 'JS', keys)).toEqual({
      problem: 'expected {header, bits, kid, signature} strings',
    });
    expect(readPublishedFilter(body, 'GZ', keys)).toEqual({ problem: `the filter is "JS"'s, expected GZ's` });
    expect(readPublishedFilter('<html>', 'JS', keys)).toEqual({ problem: 'the filter is not JSON' });
  });
});
