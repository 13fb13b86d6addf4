/**
 * Checking what an officer sends with an assistance mutation, before anything is written.
 *
 * Every refusal is a BAD_USER_INPUT (or FORBIDDEN) naming the input field and what was
 * expected; the adapter only ever sees normalised, checked values.
 */
import { GraphQLError } from 'graphql';
import type { AssistanceKind, AssistanceStatus, AssistanceUrgency } from '../../adapters/adapter.ts';
import { NormalisationError, normaliseIdNumber, quoteInput, toHalfWidth } from '../../common/normalise/index.ts';
import { badUserInput } from '../errors.ts';
import { isRegionCode, parseLiandongId } from '../ids.ts';

export const MAX_SUBJECTS = 50;
export const MAX_ANSWER_RECORDS = 100;
export const MAX_TEXT = 2000;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export interface RequestInput {
  case: string;
  toRegion: string;
  subjects: string[];
  ask: AssistanceKind[];
  urgency: AssistanceUrgency;
  note?: string | null;
  idempotencyKey: string;
}

export function regionCodeArg(typed: string, field: string): string {
  const code = toHalfWidth(typed).trim().toUpperCase();
  if (!isRegionCode(code))
    throw badUserInput(field, 'format', `${field}: ${quoteInput(typed)} is not a region code; expected 2–3 letters such as "GZ"`);
  return code;
}

/** The identity numbers of the request, normalised; the first bad one is named with its index. */
export function subjectsArg(subjects: readonly string[]): string[] {
  if (subjects.length === 0 || subjects.length > MAX_SUBJECTS) {
    throw badUserInput('input.subjects', 'range', `input.subjects: expected 1 to ${MAX_SUBJECTS} identity numbers, got ${subjects.length}`);
  }
  return [
    ...new Set(
      subjects.map((typed, i) => {
        try {
          return normaliseIdNumber(typed);
        } catch (error) {
          if (error instanceof NormalisationError)
            throw badUserInput(`input.subjects[${i}]`, error.kind, `input.subjects[${i}]: ${error.message}`);
          throw error;
        }
      }),
    ),
  ];
}

export function askArg(ask: readonly AssistanceKind[]): AssistanceKind[] {
  if (ask.length === 0)
    throw badUserInput(
      'input.ask',
      'range',
      'input.ask: name at least one kind of assistance (PERSON_RECORDS, CONTACT_DETAILS, CASES, VEHICLES)',
    );
  return [...new Set(ask)];
}

export function textArg(text: string | null | undefined, field: string, required: boolean): string | null {
  const trimmed = text?.trim() ?? '';
  if (required && trimmed === '') throw badUserInput(field, 'required', `${field}: must not be empty`);
  if (trimmed.length > MAX_TEXT) throw badUserInput(field, 'range', `${field}: at most ${MAX_TEXT} characters, got ${trimmed.length}`);
  return trimmed === '' ? null : trimmed;
}

export function idempotencyKeyArg(key: string): string {
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw badUserInput(
      'input.idempotencyKey',
      'format',
      `input.idempotencyKey: ${quoteInput(key)} is not a key; expected 8–128 characters of letters, digits, ".", "_", ":" or "-" (e.g. a UUID), the same on every retry`,
    );
  }
  return key;
}

/**
 * The requesting case: a Liandong id of the caller's own region, and the very case the
 * purpose names (the gateway looked it up in its region before signing, so it exists).
 */
export function requestingCaseArg(typed: string, callerRegion: string, purposeCase: string | null | undefined): string {
  const { region, localId } = parseLiandongId(typed, 'input.case');
  const caseRef = `${region}:${localId}`;
  if (region !== callerRegion) {
    throw badUserInput(
      'input.case',
      'not-own-case',
      `input.case: ${quoteInput(typed)} is a case of ${region}; an officer asks for assistance on their own region's (${callerRegion}) cases`,
    );
  }
  if (purposeCase !== caseRef) {
    throw new GraphQLError(
      `the purpose must name the requesting case: X-Purpose names ${purposeCase ? `case ${purposeCase}` : 'no case'}, input.case is ${caseRef} (send "X-Purpose: assistance-request; case=${caseRef}")`,
      { extensions: { code: 'FORBIDDEN', reason: 'purpose-not-request-case' } },
    );
  }
  return caseRef;
}

/** An answer's records: this region's Liandong ids, at least one. */
export function answerRecordsArg(records: readonly string[], region: string): string[] {
  if (records.length === 0 || records.length > MAX_ANSWER_RECORDS) {
    throw badUserInput('answer.records', 'range', `answer.records: expected 1 to ${MAX_ANSWER_RECORDS} record ids, got ${records.length}`);
  }
  return [
    ...new Set(
      records.map((typed, i) => {
        const id = parseLiandongId(typed, `answer.records[${i}]`);
        if (id.region !== region) {
          throw badUserInput(
            `answer.records[${i}]`,
            'not-own-record',
            `answer.records[${i}]: ${quoteInput(typed)} is a record of ${id.region}; a region answers with its own records (${region}:…)`,
          );
        }
        return `${id.region}:${id.localId}`;
      }),
    ),
  ];
}

export const STATUSES: readonly AssistanceStatus[] = ['PENDING', 'ACCEPTED', 'ANSWERED', 'DECLINED'];
