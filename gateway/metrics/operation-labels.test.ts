import { describe, expect, it } from 'vitest';
import { ANONYMOUS_OPERATION, OperationLabels, OTHER_OPERATION } from './operation-labels.ts';

/** Sends `name` once from each officer, returning the last label. */
function fromOfficers(labels: OperationLabels, name: string, officers: string[]): string {
  let label = '';
  for (const officer of officers) label = labels.label(name, officer);
  return label;
}

describe('OperationLabels', () => {
  it('labels unnamed operations', () => {
    const labels = new OperationLabels();
    expect(labels.label(undefined, 'JS-1')).toBe(ANONYMOUS_OPERATION);
    expect(labels.label('', 'JS-1')).toBe(ANONYMOUS_OPERATION);
  });

  it('counts names that are not GraphQL names as other', () => {
    expect(new OperationLabels({ minOfficers: 1 }).label('a"b{c}', 'JS-1')).toBe(OTHER_OPERATION);
  });

  it('gives a name its own label only once three distinct officers have sent it', () => {
    const labels = new OperationLabels();
    expect(labels.label('CrossRegionPerson', 'JS-1')).toBe(OTHER_OPERATION);
    expect(labels.label('CrossRegionPerson', 'JS-1')).toBe(OTHER_OPERATION);
    expect(labels.label('CrossRegionPerson', 'GZ-2')).toBe(OTHER_OPERATION);
    expect(labels.label('CrossRegionPerson', 'HB-3')).toBe('CrossRegionPerson');
    expect(labels.label('CrossRegionPerson', 'JS-1')).toBe('CrossRegionPerson');
    expect(labels.label('CrossRegionPerson', null)).toBe('CrossRegionPerson');
  });

  it('does not let one officer fill the label slots with junk names', () => {
    const labels = new OperationLabels({ maxNames: 200 });
    for (let i = 0; i < 1000; i++) expect(labels.label(`Junk${i}`, 'JS-0310552')).toBe(OTHER_OPERATION);
    expect(fromOfficers(labels, 'CrossRegionPerson', ['JS-1', 'GZ-2', 'HB-3'])).toBe('CrossRegionPerson');
  });

  it('never promotes a name from anonymous requests', () => {
    const labels = new OperationLabels({ minOfficers: 1 });
    expect(labels.label('Anything', null)).toBe(OTHER_OPERATION);
    expect(labels.label('Anything', undefined)).toBe(OTHER_OPERATION);
  });

  it('labels registered names from the first request, without using a slot', () => {
    const labels = new OperationLabels({ maxNames: 1, registered: ['PatrolCheck'] });
    expect(labels.label('PatrolCheck', null)).toBe('PatrolCheck');
    expect(fromOfficers(labels, 'A', ['1', '2', '3'])).toBe('A');
    expect(labels.label('PatrolCheck', 'JS-1')).toBe('PatrolCheck');
  });

  it('the number of officers is configurable', () => {
    const labels = new OperationLabels({ minOfficers: 2 });
    expect(fromOfficers(labels, 'A', ['1', '2'])).toBe('A');
  });

  it('stops promoting names at the limit, still labelling the names already promoted', () => {
    const labels = new OperationLabels({ maxNames: 2, minOfficers: 1 });
    labels.label('A', 'JS-1');
    labels.label('B', 'JS-1');
    expect(labels.label('C', 'JS-1')).toBe(OTHER_OPERATION);
    expect(labels.label('A', 'JS-1')).toBe('A');
  });

  it('forgets the least recently seen waiting names first, so its bookkeeping is bounded', () => {
    const labels = new OperationLabels({ maxNames: 1, minOfficers: 2 });
    labels.label('Real', 'JS-1');
    for (let i = 0; i < 10; i++) labels.label(`Junk${i}`, 'JS-9');
    // `Real` was the oldest of 11 waiting names (the bound is 10): its first officer is forgotten.
    expect(labels.label('Real', 'GZ-2')).toBe(OTHER_OPERATION);
    expect(labels.label('Real', 'HB-3')).toBe('Real');
  });

  it('refuses settings that make no sense, naming them', () => {
    expect(() => new OperationLabels({ maxNames: 0 })).toThrow('maxOperationNames must be a positive integer, got 0');
    expect(() => new OperationLabels({ minOfficers: 0 })).toThrow('minOfficers must be a positive integer, got 0');
    expect(() => new OperationLabels({ registered: ['not a name'] })).toThrow('registered operation name "not a name"');
  });
});
