/** Shared normalisation: every adapter uses these, none copies them. */
export { NormalisationError, toHalfWidth } from './errors.ts';
export type { NormalisationErrorKind } from './errors.ts';
export { normaliseIdNumber, toLegacyIdNumber, idNumberFacts, idNumberCheckChar, PROVINCE_CODES, MAX_AGE_YEARS } from './id-number.ts';
export { normalisePlate, normalisePlatePrefix, PLATE_PROVINCES } from './plate.ts';
export { quoteInput, QUOTED_PREFIX } from './quote.ts';
export { normaliseOfficerId, officerIdOf, OFFICER_ID } from './officer.ts';
