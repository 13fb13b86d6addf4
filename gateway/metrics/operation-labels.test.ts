import { describe, expect, it } from 'vitest';
import { ANONYMOUS_OPERATION, OperationLabels, OTHER_OPERATION } from './operation-labels.ts';

describe('OperationLabels', () => {
  it('keeps plain GraphQL names and labels unnamed operations', () => {
    const labels = new OperationLabels();
    expect(labels.label('CrossRegionPerson')).toBe('CrossRegionPerson');
    expect(labels.label(undefined)).toBe(ANONYMOUS_OPERATION);
    expect(labels.label('')).toBe(ANONYMOUS_OPERATION);
  });

  it('counts names that are not GraphQL names as other', () => {
    expect(new OperationLabels().label('a"b{c}')).toBe(OTHER_OPERATION);
  });

  it('stops adding names at the limit, still labelling the names already seen', () => {
    const labels = new OperationLabels(2);
    labels.label('A');
    labels.label('B');
    expect(labels.label('C')).toBe(OTHER_OPERATION);
    expect(labels.label('A')).toBe('A');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new OperationLabels(0)).toThrow('maxOperationNames must be a positive integer, got 0');
  });
});
