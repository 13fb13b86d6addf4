import { describe, expect, it } from 'vitest';
import { validateMetricsConfig } from './config.ts';

describe('the metrics section', () => {
  it('defaults to no registered names, 3 officers and 200 names', () => {
    expect(validateMetricsConfig(undefined)).toEqual({ operationNames: [], operationNameOfficers: 3, maxOperationNames: 200 });
  });

  it('refuses a registered name that is not a GraphQL name, and unknown keys, naming the setting', () => {
    expect(() => validateMetricsConfig({ operationNames: ['Ok', 'not ok'] })).toThrow(
      /metrics\.operationNames\[1\]: expected a GraphQL operation name/,
    );
    expect(() => validateMetricsConfig({ operationNameOfficers: 0 })).toThrow(/metrics\.operationNameOfficers/);
    expect(() => validateMetricsConfig({ minOfficers: 3 })).toThrow(/metrics\.minOfficers: unknown setting/);
  });
});
