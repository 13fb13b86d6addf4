import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '../../scripts/lib/shared.ts';
import { NormalisationError, normaliseIdNumber, normalisePlate, toLegacyIdNumber } from './index.ts';

// The vectors are shared with other implementations: read them where they live.
const vectorsDir = sharedPath('vectors');
interface Vector { input: string; expect?: string; error?: string; note: string }
const load = (name: string): Vector[] => JSON.parse(readFileSync(join(vectorsDir, name), 'utf8')).cases;

function outcome(fn: (s: string) => string, input: string): { value?: string; error?: string } {
  try {
    return { value: fn(input) };
  } catch (e) {
    if (e instanceof NormalisationError) return { error: e.kind };
    throw e;
  }
}

describe.each([
  ['id-numbers.json', (s: string) => normaliseIdNumber(s)],
  ['plates.json', normalisePlate],
])('shared vectors %s', (file, fn) => {
  const vectors = load(file);
  it('has vectors', () => expect(vectors.length).toBeGreaterThan(5));
  it.each(vectors.map((v) => [v.note, v] as const))('%s', (_note, v) => {
    expect(outcome(fn, v.input)).toEqual(v.expect !== undefined ? { value: v.expect } : { error: v.error });
  });
});

describe('identity numbers beyond the vectors', () => {
  it('refuses a future birth date', () => {
    expect(outcome((s) => normaliseIdNumber(s, new Date('2026-01-01')), '320102203001011234').error).toBe('birth-date');
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
