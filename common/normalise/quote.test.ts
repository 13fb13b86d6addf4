import { describe, expect, it } from 'vitest';
import { NormalisationError, normaliseIdNumber, normalisePlate } from './index.ts';
import { QUOTED_PREFIX, quoteInput } from './quote.ts';

describe('quoteInput', () => {
  it('quotes a short input whole, escaping control characters', () => {
    expect(quoteInput('320102198503121234')).toBe('"320102198503121234"');
    expect(quoteInput('a\nb\u0000')).toBe('"a\\nb\\u0000"');
    expect(quoteInput(['JS', 7])).toBe('["JS",7]');
    expect(quoteInput(undefined)).toBe('undefined');
  });

  it('keeps a short prefix of a long input and says how long it was', () => {
    const long = '1'.repeat(900_000);
    expect(quoteInput(long)).toBe(`"${'1'.repeat(QUOTED_PREFIX)}"… (900000 characters)`);
    expect(quoteInput('eyJhbGciOiJFZERTQSJ9.e30.sig', 6)).toBe('"eyJhbG"… (28 characters)');
    expect(quoteInput({ a: 'x'.repeat(100) }, 5)).toBe('"{\\"a\\":"… (108 characters)');
  });

  it('never cuts a character in half', () => {
    expect(quoteInput('a😀b', 2)).toBe('"a"… (4 characters)');
  });
});

describe('normalisation errors quote the input through quoteInput', () => {
  function message(fn: () => unknown): string {
    try {
      fn();
    } catch (error) {
      if (error instanceof NormalisationError) return error.message;
      throw error;
    }
    throw new Error('expected a NormalisationError');
  }

  it('a 900 KB identity number is echoed as a short prefix, not whole', () => {
    const huge = '3'.repeat(900_000);
    const text = message(() => normaliseIdNumber(huge));
    expect(text.length).toBeLessThan(200);
    expect(text).toContain(quoteInput(huge));
  });

  it('a short wrong identity number is still shown whole', () => {
    expect(message(() => normaliseIdNumber('32010219850312123'))).toBe(
      'identity number "32010219850312123": expected 18 characters (or a 15-digit legacy number), got 17',
    );
  });

  it('a huge plate is echoed as a short prefix', () => {
    const text = message(() => normalisePlate(`蘇${'A'.repeat(500_000)}`));
    expect(text.length).toBeLessThan(200);
  });
});
