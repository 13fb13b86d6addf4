import { describe, expect, it } from 'vitest';
import { classifyOutcome } from './outcome.ts';

describe('classifyOutcome', () => {
  it.each([
    [{ hasData: true, errorCodes: [], deniedFields: 0 }, 'answered'],
    [{ hasData: false, errorCodes: [], deniedFields: 0 }, 'answered'],
    [{ hasData: true, errorCodes: ['REGION_UNAVAILABLE'], deniedFields: 0 }, 'partial'],
    [{ hasData: true, errorCodes: ['FORBIDDEN'], deniedFields: 1 }, 'partial'],
    [{ hasData: false, errorCodes: ['FORBIDDEN'], deniedFields: 1 }, 'denied'],
    [{ hasData: false, errorCodes: ['PURPOSE_REQUIRED'], deniedFields: 0 }, 'denied'],
    [{ hasData: false, errorCodes: ['GRAPHQL_VALIDATION_FAILED'], deniedFields: 0 }, 'invalid'],
    [{ hasData: false, errorCodes: ['COST_LIMIT_EXCEEDED'], deniedFields: 0 }, 'invalid'],
    [{ hasData: false, errorCodes: ['RATE_LIMITED'], deniedFields: 0 }, 'rate-limited'],
    [{ hasData: false, errorCodes: ['UNAUTHENTICATED'], deniedFields: 0 }, 'unauthenticated'],
    [{ hasData: false, errorCodes: ['REGION_UNAVAILABLE'], deniedFields: 0 }, 'failed'],
    [{ hasData: false, errorCodes: ['FORBIDDEN', 'INTERNAL_SERVER_ERROR'], deniedFields: 0 }, 'failed'],
  ] as const)('%j → %s', (facts, outcome) => {
    expect(classifyOutcome(facts)).toBe(outcome);
  });
});
