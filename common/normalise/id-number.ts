/**
 * GB 11643 citizen identity numbers.
 *
 * 18 digits: 6-digit area code, 8-digit birth date, 3-digit sequence (odd: male),
 * and an ISO 7064 MOD 11-2 check character (0–9 or X). Legacy 15-digit numbers omit
 * the century (always 19xx) and the check character; we convert them by inserting
 * "19" and computing the check character, so both forms of one person's number match.
 */
import { NormalisationError, toHalfWidth } from './errors.ts';
import { quoteInput } from './quote.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** Province-level area codes (first two digits) in use. */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

/** The check character for the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

function refuse(kind: ConstructorParameters<typeof NormalisationError>[0], input: string, why: string): never {
  throw new NormalisationError(kind, 'idNumber', input, `identity number ${quoteInput(input)}: ${why}`);
}

/**
 * The oldest birth date accepted, in years before today. The oldest people ever
 * recorded lived to about 122; 130 leaves room for a record-breaker without letting a
 * mistyped century (18xx for 19xx, a legacy number misread) pass as a real person.
 */
export const MAX_AGE_YEARS = 130;

function checkBirthDate(input: string, yyyymmdd: string, today: Date): void {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = Date.UTC(y, m - 1, d);
  const parsed = new Date(date);
  const real = parsed.getUTCFullYear() === y && parsed.getUTCMonth() === m - 1 && parsed.getUTCDate() === d;
  if (!real) refuse('birth-date', input, `birth date ${yyyymmdd} does not exist`);
  const range = birthDateRange(today);
  if (date > range.latest) refuse('birth-date', input, `birth date ${yyyymmdd} is in the future (today is ${range.today})`);
  if (date < range.earliest) {
    refuse(
      'birth-date',
      input,
      `birth date ${yyyymmdd} is more than ${MAX_AGE_YEARS} years before today (${range.today}); expected a date from ${range.earliestDay} to ${range.today}`,
    );
  }
}

interface BirthDateRange {
  /** Days since the epoch of the `today` it was worked out for. */
  dayNumber: number;
  today: string;
  latest: number;
  earliest: number;
  earliestDay: string;
}

const DAY_MS = 86_400_000;
let lastRange: BirthDateRange | null = null;

/**
 * The accepted birth dates for `today`, worked out once per calendar day: every identity
 * number in every answer a region sends is normalised, and formatting and parsing the
 * day each time was a measurable share of a region's work.
 */
function birthDateRange(today: Date): BirthDateRange {
  const dayNumber = Math.floor(today.getTime() / DAY_MS);
  if (lastRange?.dayNumber === dayNumber) return lastRange;
  const day = isoDay(today);
  const latest = Date.parse(day);
  const oldest = new Date(latest);
  oldest.setUTCFullYear(oldest.getUTCFullYear() - MAX_AGE_YEARS);
  lastRange = { dayNumber, today: day, latest, earliest: oldest.getTime(), earliestDay: isoDay(oldest) };
  return lastRange;
}

/** `today` as a UTC calendar day: a birth date is a day, not an instant. */
function isoDay(today: Date): string {
  return today.toISOString().slice(0, 10);
}

/**
 * Normalise an identity number as typed to its 18-digit form, or throw a
 * NormalisationError whose kind is length, format, area, birth-date or check.
 */
export function normaliseIdNumber(typed: string, today: Date = new Date()): string {
  if (typeof typed !== 'string') refuse('format', String(typed), 'expected a string');
  const input = toHalfWidth(typed).trim().toUpperCase();
  if (input.length !== 15 && input.length !== 18) {
    refuse('length', typed, `expected 18 characters (or a 15-digit legacy number), got ${input.length}`);
  }
  const pattern = input.length === 18 ? /^\d{17}[\dX]$/ : /^\d{15}$/;
  if (!pattern.test(input)) {
    refuse(
      'format',
      typed,
      input.length === 18 ? 'expected 17 digits followed by a digit or X' : 'a 15-digit legacy number has digits only',
    );
  }
  if (!PROVINCE_CODES.has(input.slice(0, 2))) refuse('area', typed, `unknown province code ${input.slice(0, 2)}`);
  const first17 = input.length === 18 ? input.slice(0, 17) : `${input.slice(0, 6)}19${input.slice(6, 15)}`;
  checkBirthDate(typed, first17.slice(6, 14), today);
  const check = idNumberCheckChar(first17);
  if (input.length === 18 && input[17] !== check) {
    refuse('check', typed, `check character is ${input[17]}, expected ${check} for these 17 digits`);
  }
  return first17 + check;
}

/** The 15-digit legacy form of an 18-digit number born in the 1900s (for stand-ins). */
export function toLegacyIdNumber(idNumber18: string): string {
  if (!/^\d{6}19\d{9}[\dX]$/.test(idNumber18)) {
    throw new Error(`toLegacyIdNumber: expected an 18-digit number born 19xx, got "${idNumber18}"`);
  }
  return idNumber18.slice(0, 6) + idNumber18.slice(8, 17);
}

/** Birth date (ISO) and sex encoded in a normalised number. */
export function idNumberFacts(idNumber18: string): { birthDate: string; sex: 'MALE' | 'FEMALE' } {
  const b = idNumber18.slice(6, 14);
  return {
    birthDate: `${b.slice(0, 4)}-${b.slice(4, 6)}-${b.slice(6, 8)}`,
    sex: Number(idNumber18[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
  };
}
