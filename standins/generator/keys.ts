/**
 * Unique national keys by construction: identity numbers, plates and VINs are computed
 * from a person's or vehicle's ordinal through a permutation, so no two collide and no
 * set of issued keys has to be kept in memory.
 */
import { idNumberCheckChar } from '../../common/normalise/index.ts';
import { AffinePermutation } from './random.ts';
import { GEOGRAPHY, type District } from './vocab.ts';
import type { Region } from './population.ts';
import { isoDateOfDay } from './time.ts';

const FIRST_BIRTH = Date.UTC(1950, 0, 1);
const LAST_BIRTH = Date.UTC(2008, 11, 31);
const DAY_MS = 86_400_000;
const BIRTH_DAYS = (LAST_BIRTH - FIRST_BIRTH) / DAY_MS + 1;
/** Sequence numbers 000–999 hold 500 of each sex per area and day. */
const SEQUENCE_PAIRS = 500;
const SERIAL_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'; // I and O are never used on plates
/** Five-character serials: 00000–99999, then a letter and four digits. */
const SERIALS_PER_LETTER = 100_000 + SERIAL_LETTERS.length * 10_000;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function isoDateFromDay(day: number): string {
  return isoDateOfDay(FIRST_BIRTH / DAY_MS + day);
}

export class KeyFactory {
  private readonly idPermutations = new Map<Region, AffinePermutation>();
  private readonly platePermutations = new Map<Region, AffinePermutation>();
  private readonly plateLetters = new Map<Region, string[]>();

  constructor(seed: number) {
    for (const [index, region] of (['JS', 'GZ', 'HB'] as const).entries()) {
      const districts = GEOGRAPHY[region].districts;
      this.idPermutations.set(region, new AffinePermutation(districts.length * BIRTH_DAYS * SEQUENCE_PAIRS, seed + index));
      const letters = [...new Set(districts.map((x) => x.plateLetter))];
      this.plateLetters.set(region, letters);
      this.platePermutations.set(region, new AffinePermutation(letters.length * SERIALS_PER_LETTER, seed + 10 + index));
    }
  }

  /** The 18-digit identity number of person `ordinal`, issued in `region`. */
  idNumber(region: Region, ordinal: number, male: boolean): { idNumber: string; district: District } {
    const districts = GEOGRAPHY[region].districts;
    const p = this.idPermutations.get(region)!.apply(ordinal);
    const district = districts[p % districts.length];
    const rest = Math.floor(p / districts.length);
    const birth = isoDateFromDay(rest % BIRTH_DAYS).replaceAll('-', '');
    const sequence = Math.floor(rest / BIRTH_DAYS) * 2 + (male ? 1 : 0);
    const first17 = `${district.areaCode}${birth}${pad(sequence, 3)}`;
    return { idNumber: first17 + idNumberCheckChar(first17), district };
  }

  /** Maximum number of distinct plates `region` can issue. */
  plateCapacity(region: Region): number {
    return this.platePermutations.get(region)!.size;
  }

  /** The normalised plate of vehicle `index` in `region`; new-energy plates get a D/F serial (8 characters). */
  plate(region: Region, index: number, newEnergy: boolean, electric: boolean): string {
    const letters = this.plateLetters.get(region)!;
    const q = this.platePermutations.get(region)!.apply(index);
    const letter = letters[q % letters.length];
    const r = Math.floor(q / letters.length);
    const serial = r < 100_000 ? pad(r, 5) : SERIAL_LETTERS[Math.floor((r - 100_000) / 10_000)] + pad((r - 100_000) % 10_000, 4);
    const energyMark = newEnergy ? (electric ? 'D' : 'F') : '';
    return `${GEOGRAPHY[region].plateProvince}${letter}${energyMark}${serial}`;
  }
}

const VIN_VALUES: Record<string, number> = Object.fromEntries(
  [...'0123456789']
    .map((c, i) => [c, i])
    .concat(
      [...'ABCDEFGH'].map((c, i) => [c, i + 1]),
      [...'JKLMN'].map((c, i) => [c, i + 1]),
      [['P', 7]],
      [['R', 9]],
      [...'STUVWXYZ'].map((c, i) => [c, i + 2]),
    ),
);
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const VIN_YEARS = 'ABCDEFGHJKLMNPRSTVWXY123456789'; // model-year codes from 2010

/** A valid 17-character VIN (ISO 3779, with the North-American check digit Chinese VINs also use). */
export function makeVin(wmi: string, vds: string, modelYear: number, plant: string, serial: number): string {
  const year = VIN_YEARS[(modelYear - 2010) % VIN_YEARS.length];
  const draft = `${wmi}${vds}0${year}${plant}${pad(serial % 1_000_000, 6)}`;
  const sum = [...draft].reduce((acc, ch, i) => acc + VIN_VALUES[ch] * VIN_WEIGHTS[i], 0);
  const check = sum % 11 === 10 ? 'X' : String(sum % 11);
  return draft.slice(0, 8) + check + draft.slice(9);
}
