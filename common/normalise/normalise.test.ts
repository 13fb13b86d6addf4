import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPathIfPresent } from '../../scripts/lib/shared.ts';
import {
  MAX_AGE_YEARS,
  NormalisationError,
  idNumberCheckChar,
  normaliseIdNumber,
  normaliseOfficerId,
  normalisePlate,
  toLegacyIdNumber,
} from './index.ts';

// The project's own vectors always run; the organisation's shared ones (read where they
// live, never copied) run in addition when the shared folder is there.
const ownVectors = join(import.meta.dirname, 'vectors');
const sharedVectors = sharedPathIfPresent('vectors');
interface Vector {
  input: string;
  expect?: string;
  error?: string;
  note: string;
}
const load = (dir: string, name: string): Vector[] => JSON.parse(readFileSync(join(dir, name), 'utf8')).cases;

function outcome(fn: (s: string) => string, input: string): { value?: string; error?: string } {
  try {
    return { value: fn(input) };
  } catch (e) {
    if (e instanceof NormalisationError) return { error: e.kind };
    throw e;
  }
}

const files = [
  ['id-numbers.json', (s: string) => normaliseIdNumber(s)],
  ['plates.json', normalisePlate],
] as const;

describe.each(files)('project vectors %s', (file, fn) => {
  const vectors = load(ownVectors, file);
  it('has vectors', () => expect(vectors.length).toBeGreaterThan(5));
  it.each(vectors.map((v) => [v.note, v] as const))('%s', (_note, v) => {
    expect(outcome(fn, v.input)).toEqual(v.expect !== undefined ? { value: v.expect } : { error: v.error });
  });
});

describe.runIf(sharedVectors !== null).each(files)('shared vectors %s', (file, fn) => {
  const vectors = sharedVectors ? load(sharedVectors, file) : [];
  it('has vectors', () => expect(vectors.length).toBeGreaterThan(5));
  it.each(vectors.map((v) => [v.note, v] as const))('%s', (_note, v) => {
    expect(outcome(fn, v.input)).toEqual(v.expect !== undefined ? { value: v.expect } : { error: v.error });
  });
});

describe('identity numbers beyond the vectors', () => {
  it('refuses a future birth date', () => {
    expect(outcome((s) => normaliseIdNumber(s, new Date('2026-01-01')), '320102203001011234').error).toBe('birth-date');
  });
  it('refuses a birth date more than MAX_AGE_YEARS before today, naming the date and the bound', () => {
    const today = new Date('2026-12-06T10:00:00Z');
    // 1896-12-05 is one day too old, 1896-12-06 is the oldest day accepted.
    const tooOld = fullNumber('11010518961205001');
    const oldest = fullNumber('11010518961206001');
    expect(MAX_AGE_YEARS).toBe(130);
    expect(() => normaliseIdNumber(tooOld, today)).toThrow(
      `identity number "${tooOld}": birth date 18961205 is more than 130 years before today (2026-12-06); expected a date from 1896-12-06 to 2026-12-06`,
    );
    expect(normaliseIdNumber(oldest, today)).toBe(oldest);
  });
  it('accepts a birth date of today and refuses tomorrow, naming it', () => {
    const today = new Date('2026-12-06T23:59:00Z');
    expect(normaliseIdNumber(fullNumber('11010520261206001'), today)).toBe(fullNumber('11010520261206001'));
    expect(() => normaliseIdNumber(fullNumber('11010520261207001'), today)).toThrow(
      /birth date 20261207 is in the future \(today is 2026-12-06\)/,
    );
  });
  it('accepts full-width digits', () => {
    expect(normaliseIdNumber('３２０１０２１９８５０３１２１２３４')).toBe('320102198503121234');
  });
  it('round-trips through the legacy form', () => {
    expect(normaliseIdNumber(toLegacyIdNumber('520102197901014568'))).toBe('520102197901014568');
  });
  it('names the expected check character', () => {
    expect(() => normaliseIdNumber('320102198503121230')).toThrow(/expected 4/);
  });
});

describe('plates beyond the vectors', () => {
  it('maps simplified province characters to the canonical form', () => {
    expect(normalisePlate('苏A12345')).toBe('蘇A12345');
  });
  it('refuses the letters I and O in the serial', () => {
    expect(outcome(normalisePlate, '蘇A12I45').error).toBe('format');
  });
  it('accepts a new-energy plate with F last', () => {
    expect(normalisePlate('鄂A12345F')).toBe('鄂A12345F');
  });
});

describe('driving-school suffix spelling', () => {
  it('treats 學 with and without its reading as one plate', () => {
    expect(normalisePlate('鄂A1234学')).toBe(normalisePlate('鄂A1234學(xué)'));
  });
});

/** A valid 18-digit number from its first 17 digits. */
function fullNumber(first17: string): string {
  return first17 + idNumberCheckChar(first17);
}

describe('police numbers', () => {
  it('accepts the forms regions write and gives REGION-NNNNNNN', () => {
    expect(normaliseOfficerId('JS-0310552')).toBe('JS-0310552');
    expect(normaliseOfficerId(' js0310552 ')).toBe('JS-0310552');
    expect(normaliseOfficerId('ＧＺ－０１８８２０３'.replace('－', '-'))).toBe('GZ-0188203');
    expect(normaliseOfficerId('0310552', 'HB')).toBe('HB-0310552');
  });
  it('refuses a bare number without a home region, and anything else, naming what was passed and what is expected', () => {
    expect(() => normaliseOfficerId('0310552')).toThrow('police number "0310552": expected REGION-NNNNNNN, e.g. JS-0310552');
    expect(() => normaliseOfficerId('TEST-investigator', 'JS')).toThrow(
      /police number "TEST-investigator": expected REGION-NNNNNNN, e\.g\. JS-0310552 \(or seven digits for an officer of JS\)/,
    );
    expect(outcome((s) => normaliseOfficerId(s), 'JS-031055').error).toBe('format');
  });
});
