/**
 * Chinese vehicle plates (GA 36).
 *
 * Ordinary: province character + issuing-authority letter + 5 characters (7 in all).
 * New energy: province + letter + 6 characters (8 in all; D/F marks the energy type).
 * Special: province + letter + 4 characters + a suffix such as 學 (driving school),
 * 警, 掛, 領, 試, 超. Serial characters never use the letters I and O.
 *
 * The canonical form is half-width, upper case, without separators, with the province
 * (and suffix) written in the traditional characters our regions store; a simplified
 * character typed by an officer (苏, 贵, 学) maps to the same plate.
 */
import { NormalisationError, toHalfWidth } from './errors.ts';
import { quoteInput } from './quote.ts';

const PROVINCES = '京津冀晉蒙遼吉黑滬蘇浙皖閩贛魯豫鄂湘粵桂瓊渝川貴雲藏陝甘青寧新';
const SIMPLIFIED_TO_TRADITIONAL: Record<string, string> = {
  晋: '晉',
  辽: '遼',
  沪: '滬',
  苏: '蘇',
  闽: '閩',
  赣: '贛',
  鲁: '魯',
  粤: '粵',
  琼: '瓊',
  贵: '貴',
  云: '雲',
  陕: '陝',
  宁: '寧',
  学: '學',
  挂: '掛',
  领: '領',
  试: '試',
};
const SUFFIXES = '學警掛領試超使';
const SEPARATORS = /[\s·•・.\-_]/g;
/**
 * The shared plate vectors write the driving-school suffix with its reading, `學(xué)`,
 * in both input and expected output; we accept the suffix with or without the reading
 * and use the vectors' written form as the canonical one, so both spellings match.
 */
const SUFFIX_READINGS: Record<string, string> = { 學: '(xué)' };
const READING = /\((xue|xué)\)$/i;
const SERIAL = /^[A-HJ-NP-Z0-9]+$/;

/** Province characters in canonical (traditional) form. */
export const PLATE_PROVINCES: readonly string[] = [...PROVINCES];

function refuse(kind: 'length' | 'format' | 'province', input: string, why: string): never {
  throw new NormalisationError(kind, 'plate', input, `plate ${quoteInput(input)}: ${why}`);
}

function canonicalChar(ch: string): string {
  return SIMPLIFIED_TO_TRADITIONAL[ch] ?? ch;
}

/** Normalise a plate as typed, or throw a NormalisationError (province, length, format). */
export function normalisePlate(typed: string): string {
  if (typeof typed !== 'string') refuse('format', String(typed), 'expected a string');
  const compact = toHalfWidth(typed).replace(SEPARATORS, '');
  const chars = [...compact.replace(READING, '').toUpperCase()].map(canonicalChar);
  if (chars.length === 0) refuse('length', typed, 'empty');
  if (!PROVINCES.includes(chars[0])) {
    refuse('province', typed, `must start with a province character (such as 蘇, 貴, 鄂), got ${quoteInput(chars[0])}`);
  }
  const last = chars[chars.length - 1];
  const hasSuffix = SUFFIXES.includes(last);
  const expected = hasSuffix ? [7] : [7, 8];
  if (!expected.includes(chars.length)) {
    refuse(
      'length',
      typed,
      `expected ${hasSuffix ? '7 characters with its suffix' : '7 characters (8 for new-energy plates)'}, got ${chars.length}`,
    );
  }
  if (!/^[A-Z]$/.test(chars[1])) refuse('format', typed, `second character must be a letter, got "${chars[1]}"`);
  const serial = chars.slice(2, hasSuffix ? -1 : undefined).join('');
  if (!SERIAL.test(serial)) {
    refuse('format', typed, `serial "${serial}" may hold only digits and letters other than I and O`);
  }
  if (chars.length === 8 && !/^[DF]|[DF]$/.test(serial)) {
    refuse('format', typed, 'an 8-character new-energy plate has D or F first or last in its serial');
  }
  return chars.join('') + (hasSuffix ? (SUFFIX_READINGS[last] ?? '') : '');
}

/** Normalise a plate prefix for searches (province + any leading characters). */
export function normalisePlatePrefix(typed: string): string {
  return [...toHalfWidth(typed).replace(SEPARATORS, '').toUpperCase()].map(canonicalChar).join('');
}
