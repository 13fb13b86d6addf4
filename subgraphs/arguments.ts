/**
 * Normalising what officers type into what adapters expect.
 *
 * Adapters receive normalised keys only (see adapters/adapter.ts). Refusals throw
 * NormalisationError (mapped to BAD_USER_INPUT with `field` and `reason`) or a
 * BAD_USER_INPUT GraphQLError; nothing is silently "fixed".
 */
import {
  NormalisationError,
  normaliseIdNumber,
  normaliseOfficerId,
  normalisePlate,
  officerIdOf,
  normalisePlatePrefix,
  quoteInput,
  toHalfWidth,
} from '../common/normalise/index.ts';
import type { CaseFilter, PersonFilter, VehicleFilter } from '../adapters/adapter.ts';
import { GraphQLError } from 'graphql';
import { badUserInput } from './errors.ts';
import { isRegionCode } from './ids.ts';

export const MAX_PAGE_SIZE = 100;

export const idNumberArg = (typed: unknown): string => normaliseIdNumber(typed as string);
export const plateArg = (typed: unknown): string => normalisePlate(typed as string);
export const officerIdArg = (typed: unknown): string => normaliseOfficerId(typed as string);

/**
 * Case assignments are the officers' own business: an officer may ask whether they
 * themselves are assigned, not map out who works which case. Returns the officer id
 * when it is the caller's; refuses with FORBIDDEN (reason `not-own-officer-id`) otherwise.
 */
export function ownOfficerId(officer: string, callerSub: string | undefined): string {
  // A caller whose sub is no police number (a service account) is no case's officer.
  if (officerIdOf(callerSub) !== officer) {
    throw new GraphQLError(
      `Case.assigned answers only about the caller: asked about officer ${officer}, the caller is ${callerSub ?? 'anonymous'}`,
      {
        extensions: { code: 'FORBIDDEN', reason: 'not-own-officer-id' },
      },
    );
  }
  return officer;
}

/**
 * Whether a `regions:` argument includes this region (absent: every region does).
 * The gateway already routes by it; checking again keeps a direct caller honest.
 */
export function regionAsked(regions: readonly string[] | null | undefined, own: string): boolean {
  if (regions == null) return true;
  const codes = regions.map((code) => toHalfWidth(code).trim().toUpperCase());
  const bad = codes.find((code) => !isRegionCode(code));
  if (bad !== undefined) {
    throw badUserInput('regions', 'format', `regions: ${quoteInput(bad)} is not a region code; expected 2–3 letters such as "JS"`);
  }
  return codes.includes(own);
}

/** `first` of a search: 1–100. */
export function pageSize(first: number | null | undefined): number {
  if (first == null || !Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput('first', 'range', `first: expected an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(first)}`);
  }
  return first;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function isRealDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text;
}

function dateArg(field: string, typed: string, allowTime: boolean): string {
  const text = typed.trim();
  const ok =
    isRealDate(text) || (allowTime && ISO_DATE_TIME.test(text) && isRealDate(text.slice(0, 10)) && !Number.isNaN(Date.parse(text)));
  if (!ok) {
    throw new NormalisationError(
      'date',
      field,
      typed,
      `${field} ${quoteInput(typed)}: expected an ISO date (2024-01-31)${allowTime ? ' or date-time (2024-01-31T08:00:00Z)' : ''}`,
    );
  }
  return text;
}

/**
 * Control characters (Unicode Cc) are refused, not trimmed or passed on: no name, place,
 * make or colour holds one, and a legacy system that cut its filter at a NUL matched
 * every record. The adapters' shared filter validation refuses them again.
 */
const CONTROL = /\p{Cc}/u;

function textArg(field: string, typed: string): string {
  const control = CONTROL.exec(typed);
  if (control) {
    const code = `U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new NormalisationError(
      'control-character',
      field,
      typed,
      `${field}: the text holds the control character ${code}; filter text may not contain control characters`,
    );
  }
  const text = toHalfWidth(typed).trim();
  if (text.length === 0) throw new NormalisationError('format', field, typed, `${field}: expected some text, got an empty string`);
  return text;
}

/**
 * Drops unset fields and refuses a filter with none set (it would page through a whole
 * region). The refusal names the fields and shows the smallest search that runs, so the
 * caller can fix the query from the message alone.
 */
function requireSome<T extends object>(name: string, filter: T, fields: readonly string[], smallest: string): T {
  const set = Object.fromEntries(Object.entries(filter).filter(([, v]) => v != null)) as T;
  if (Object.keys(set).length === 0) {
    throw badUserInput(
      'filter',
      'empty',
      `${name} is empty: set at least one of ${fields.join(', ')}; the smallest search is one field, e.g. ${smallest}. An empty filter would page through every record of every region.`,
    );
  }
  return set;
}

const optional = <T, R>(value: T | null | undefined, map: (v: T) => R): R | undefined => (value == null ? undefined : map(value));

export function personFilter(input: PersonFilter): PersonFilter {
  const filter = requireSome(
    'PersonFilter',
    {
      name: optional(input.name, (v) => textArg('name', v)),
      sex: input.sex ?? undefined,
      bornFrom: optional(input.bornFrom, (v) => dateArg('bornFrom', v, false)),
      bornTo: optional(input.bornTo, (v) => dateArg('bornTo', v, false)),
    },
    ['name', 'sex', 'bornFrom', 'bornTo'],
    'searchPersons(filter: { name: "張*" }) (a name prefix) or searchPersons(filter: { bornFrom: "1990-01-01" })',
  );
  if (filter.name === '*') {
    throw new NormalisationError('format', 'name', input.name!, 'name "*": a prefix search needs at least one character before *');
  }
  return filter;
}

export function caseFilter(input: CaseFilter): CaseFilter {
  return requireSome(
    'CaseFilter',
    {
      type: input.type ?? undefined,
      status: input.status ?? undefined,
      reportedFrom: optional(input.reportedFrom, (v) => dateArg('reportedFrom', v, true)),
      reportedTo: optional(input.reportedTo, (v) => dateArg('reportedTo', v, true)),
      place: optional(input.place, (v) => textArg('place', v)),
    },
    ['type', 'status', 'reportedFrom', 'reportedTo', 'place'],
    'searchCases(filter: { type: TELECOM_FRAUD })',
  );
}

export function vehicleFilter(input: VehicleFilter): VehicleFilter {
  return requireSome(
    'VehicleFilter',
    {
      platePrefix: optional(input.platePrefix, (v) => textArg('platePrefix', normalisePlatePrefix(v))),
      make: optional(input.make, (v) => textArg('make', v)),
      colour: optional(input.colour, (v) => textArg('colour', v)),
      energy: input.energy ?? undefined,
    },
    ['platePrefix', 'make', 'colour', 'energy'],
    'searchVehicles(filter: { platePrefix: "蘇A1" })',
  );
}
