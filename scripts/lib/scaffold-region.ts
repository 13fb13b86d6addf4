/**
 * Scaffolding a new region's adapter folder from scripts/templates/region/:
 *   adapters/<code>/index.ts                  exports createAdapter (every method "not written yet")
 *   adapters/<code>/codes.ts                  the code tables, empty
 *   adapters/<code>/<code>.conformance.test.ts the conformance suite, failing until filled in
 *
 * `adaptersDir` is a parameter so tests (and forks of the tree) can scaffold elsewhere;
 * the generated files import `../adapter.ts` and `../conformance/index.ts`, so the
 * folder must sit beside those.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVINCE_CODES } from '../../common/normalise/id-number.ts';
import { PLATE_PROVINCES } from '../../common/normalise/plate.ts';

export const DEFAULT_ADAPTERS_DIR = fileURLToPath(new URL('../../adapters/', import.meta.url));
const TEMPLATES_DIR = fileURLToPath(new URL('../templates/region/', import.meta.url));
/** Same rule as adapters/load.ts and config/regions.json. */
const REGION_CODE = /^[A-Z]{2,3}$/;

export interface ScaffoldOptions {
  code: string;
  name: string;
  /** Identity-number area prefixes (two digits each), e.g. ['34']. */
  areaPrefixes?: string[];
  /** Plate province characters, e.g. ['皖']. */
  plateProvinces?: string[];
  adaptersDir?: string;
}

export class ScaffoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldError';
  }
}

/** Template file → file name in the new folder (`<code>` is the lower-case code). */
const FILES: Array<[template: string, target: (code: string) => string]> = [
  ['index.ts.tmpl', () => 'index.ts'],
  ['codes.ts.tmpl', () => 'codes.ts'],
  ['conformance.test.ts.tmpl', (code) => `${code}.conformance.test.ts`],
];

function check(options: ScaffoldOptions): void {
  if (typeof options.code !== 'string' || !REGION_CODE.test(options.code)) {
    throw new ScaffoldError(`--code ${JSON.stringify(options.code)} is not a region code: expected 2–3 upper-case letters such as "AH"`);
  }
  if (typeof options.name !== 'string' || options.name.trim() === '') {
    throw new ScaffoldError(`--name ${JSON.stringify(options.name)}: expected the region's name, e.g. "安徽"`);
  }
  const badArea = (options.areaPrefixes ?? []).find((p) => !PROVINCE_CODES.has(p));
  if (badArea !== undefined) {
    throw new ScaffoldError(
      `--area-prefix "${badArea}": expected a two-digit province code of identity numbers (e.g. 34), one of ${[...PROVINCE_CODES].join(', ')}`,
    );
  }
  const badPlate = (options.plateProvinces ?? []).find((p) => !PLATE_PROVINCES.includes(p));
  if (badPlate !== undefined) {
    throw new ScaffoldError(`--plate "${badPlate}": expected a plate province character such as 皖, one of ${PLATE_PROVINCES.join('')}`);
  }
}

function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Writes the folder; returns the paths written. Refuses a bad code or an existing folder. */
export function scaffoldRegion(options: ScaffoldOptions): string[] {
  check(options);
  const code = options.code.toLowerCase();
  const adaptersDir = options.adaptersDir ?? DEFAULT_ADAPTERS_DIR;
  const folder = join(adaptersDir, code);
  if (existsSync(folder)) {
    throw new ScaffoldError(`region ${options.code} already has an adapter folder (${folder}); pick another code or edit that folder`);
  }
  const values = {
    CODE: options.code,
    code,
    NAME: options.name.trim().replace(/'/g, "\\'"),
    AREA_PREFIXES: JSON.stringify(options.areaPrefixes ?? []).replace(/"/g, "'"),
    PLATE_PROVINCES: JSON.stringify(options.plateProvinces ?? []).replace(/"/g, "'"),
  };
  mkdirSync(folder, { recursive: true });
  return FILES.map(([template, target]) => {
    const file = join(folder, target(code));
    writeFileSync(file, render(readFileSync(join(TEMPLATES_DIR, template), 'utf8'), values));
    return file;
  });
}
