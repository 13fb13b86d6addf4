import { describe, expect, it } from 'vitest';
import { mergeRegionValues } from './deep-merge.ts';

const person = (region: string, extra: Record<string, unknown> = {}) => ({
  __typename: 'Person',
  idNumber: '110101199003071234',
  regions: [region],
  ...extra,
});

describe('mergeRegionValues', () => {
  it('merges objects field by field and keeps equal scalars once', () => {
    const { value, conflicts } = mergeRegionValues([
      { region: 'JS', value: { a: 1, nested: { x: 'same', onlyJs: true } } },
      { region: 'GZ', value: { b: 2, nested: { x: 'same', onlyGz: true } } },
    ]);
    expect(value).toEqual({ a: 1, b: 2, nested: { x: 'same', onlyJs: true, onlyGz: true } });
    expect(conflicts).toEqual([]);
  });

  it('concatenates lists in region order', () => {
    const { value } = mergeRegionValues([
      { region: 'JS', value: { cases: [{ role: 'SUSPECT', case: { __typename: 'Case', id: 'JS:1' } }] } },
      { region: 'GZ', value: { cases: [{ role: 'VICTIM', case: { __typename: 'Case', id: 'GZ:7' } }] } },
      { region: 'HB', value: { cases: [] } },
    ]);
    expect((value as { cases: { case: { id: string } }[] }).cases.map((c) => c.case.id)).toEqual(['JS:1', 'GZ:7']);
  });

  it('merges list elements that are the same entity into one', () => {
    const { value } = mergeRegionValues([
      {
        region: 'JS',
        value: [
          { __typename: 'Vehicle', plate: '蘇A12345', regions: ['JS'] },
          { __typename: 'Vehicle', plate: '蘇B1' },
        ],
      },
      { region: 'HB', value: [{ __typename: 'Vehicle', plate: '蘇A12345', regions: ['HB'], alerted: true }] },
    ]);
    expect(value).toEqual([
      { __typename: 'Vehicle', plate: '蘇A12345', regions: ['JS', 'HB'], alerted: true },
      { __typename: 'Vehicle', plate: '蘇B1' },
    ]);
  });

  it('does not merge elements of different types with the same key value', () => {
    const { value } = mergeRegionValues([
      { region: 'JS', value: [{ __typename: 'Case', id: 'X' }] },
      { region: 'GZ', value: [{ __typename: 'PersonRecord', id: 'X' }] },
    ]);
    expect(value).toHaveLength(2);
  });

  it('unions scalar lists such as Person.regions', () => {
    const { value } = mergeRegionValues([
      { region: 'JS', value: person('JS') },
      { region: 'GZ', value: person('GZ') },
      { region: 'HB', value: person('JS') },
    ]);
    expect((value as { regions: string[] }).regions).toEqual(['JS', 'GZ']);
  });

  it('treats null (or absent) + object as the object', () => {
    expect(
      mergeRegionValues([
        { region: 'JS', value: null },
        { region: 'GZ', value: person('GZ') },
      ]).value,
    ).toEqual(person('GZ'));
    expect(
      mergeRegionValues([
        { region: 'JS', value: person('JS') },
        { region: 'GZ', value: null },
      ]).value,
    ).toEqual(person('JS'));
    expect(
      mergeRegionValues([
        { region: 'JS', value: { a: null } },
        { region: 'GZ', value: { a: { b: 1 } } },
      ]).value,
    ).toEqual({ a: { b: 1 } });
    expect(
      mergeRegionValues([
        { region: 'JS', value: null },
        { region: 'GZ', value: null },
      ]).value,
    ).toBeNull();
  });

  it("keeps the first region's value of a conflicting scalar and reports every region's value", () => {
    const { value, conflicts } = mergeRegionValues(
      [
        { region: 'JS', value: person('JS', { birthDate: '1990-03-07' }) },
        { region: 'GZ', value: person('GZ', { birthDate: '1990-03-08' }) },
        { region: 'HB', value: person('HB', { birthDate: '1990-03-09' }) },
      ],
      { basePath: ['person'] },
    );
    expect((value as { birthDate: string }).birthDate).toBe('1990-03-07');
    expect(conflicts).toEqual([{ path: ['person', 'birthDate'], values: { JS: '1990-03-07', GZ: '1990-03-08', HB: '1990-03-09' } }]);
  });

  it('names the region whose value was kept when it came from a later region', () => {
    const { conflicts } = mergeRegionValues([
      { region: 'JS', value: { p: null } },
      { region: 'GZ', value: { p: { name: '張三' } } },
      { region: 'HB', value: { p: { name: '张三' } } },
    ]);
    expect(conflicts).toEqual([{ path: ['p', 'name'], values: { GZ: '張三', HB: '张三' } }]);
  });

  it('reports conflicts inside merged entities at the merged index', () => {
    const { conflicts } = mergeRegionValues([
      { region: 'JS', value: { vehicles: [{ __typename: 'Vehicle', plate: 'A', colour: 'red' }] } },
      {
        region: 'GZ',
        value: {
          vehicles: [
            { __typename: 'Vehicle', plate: 'B' },
            { __typename: 'Vehicle', plate: 'A', colour: 'blue' },
          ],
        },
      },
    ]);
    expect(conflicts).toEqual([{ path: ['vehicles', 0, 'colour'], values: { JS: 'red', GZ: 'blue' } }]);
  });

  it('uses schema keys when given', () => {
    const keys = new Map([['Thing', ['code']]]);
    const { value } = mergeRegionValues(
      [
        { region: 'JS', value: [{ __typename: 'Thing', code: 1, id: 'a' }] },
        { region: 'GZ', value: [{ __typename: 'Thing', code: 1, id: 'b' }] },
      ],
      { keys },
    );
    expect(value).toHaveLength(1);
  });

  it('combines fields with a rule instead of reporting a conflict (wanted in any region)', () => {
    const rules = new Map([['Person.wanted', (a: unknown, b: unknown) => a === true || b === true]]);
    const { value, conflicts } = mergeRegionValues(
      [
        { region: 'JS', value: person('JS', { wanted: false }) },
        { region: 'HB', value: person('HB', { wanted: true }) },
        { region: 'GZ', value: person('GZ', { wanted: false }) },
      ],
      { rules },
    );
    expect((value as { wanted: boolean }).wanted).toBe(true);
    expect(conflicts).toEqual([]);
  });
});
