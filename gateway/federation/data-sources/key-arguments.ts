/**
 * The national key a fanned-out lookup is asked with (`person(idNumber:)`,
 * `vehicle(plate:)`) is checked once, here, before any region is asked. Every region
 * would refuse a malformed key with the same error; asked anyway, they would answer it
 * once each, and the caller would read "every region failed" where one argument was wrong.
 */
import type { FieldNode } from 'graphql';
import { NormalisationError } from '../../../common/normalise/errors.ts';
import { normaliseIdNumber, normalisePlate } from '../../../common/normalise/index.ts';
import { argumentValue, responseKey } from './operation.ts';
import { BAD_USER_INPUT } from './region-errors.ts';
import type { FormattedError } from './types.ts';

/** Root field → its key argument and the normalisation every region applies to it. */
const KEY_ARGUMENTS: Readonly<Record<string, { argument: string; normalise: (typed: string) => string }>> = {
  person: { argument: 'idNumber', normalise: normaliseIdNumber },
  vehicle: { argument: 'plate', normalise: normalisePlate },
};

/** A BAD_USER_INPUT error naming the field, the argument and what is wrong with it; null when the key is well-formed. */
export function refuseMalformedKey(field: FieldNode, variables: Record<string, unknown>): FormattedError | null {
  const key = KEY_ARGUMENTS[field.name.value];
  if (!key) return null;
  const value = argumentValue(field, key.argument, variables);
  if (typeof value !== 'string') return null; // GraphQL validation has refused what is not a string
  try {
    key.normalise(value);
    return null;
  } catch (error) {
    if (!(error instanceof NormalisationError)) throw error;
    return {
      message: `${field.name.value}(${key.argument}:): ${error.message}`,
      path: [responseKey(field)],
      extensions: { code: BAD_USER_INPUT, argument: key.argument, reason: error.kind },
    };
  }
}
