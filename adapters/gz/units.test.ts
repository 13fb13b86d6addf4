/** GZ adapter pieces that need no process: page arithmetic, dates, code tables, keys. */
import { describe, expect, it } from 'vitest';
import { AdapterError } from '../adapter.ts';
import { caseStatusFilter, caseTypeFilter, sexFilter, sexFromGz } from './codes.ts';
import { gzDateBound, gzTimeBound, isoDateFromGz, isoTimeFromGz } from './dates.ts';
import { gzIdNumberForms, normalisedPlates } from './keys.ts';
import { pagesCovering } from './paging.ts';

describe('pagesCovering', () => {
  it.each([
    [0, 7, 7, [1]],
    [3, 7, 7, [1, 2]],
    [7, 7, 7, [2]],
    [0, 1000, 200, [1, 2, 3, 4, 5]],
    [150, 300, 200, [1, 2, 3]],
  ])('offset %i, %i items → pageSize %i, pages %j', (offset, count, pageSize, pages) => {
    expect(pagesCovering(offset, count)).toEqual({ pageSize, pages });
  });
});

describe('GZ dates', () => {
  it('reads YYYYMMDD and Beijing YYYYMMDDHHMMSS as ISO (UTC)', () => {
    expect(isoDateFromGz('19400101', 'csrq')).toBe('1940-01-01');
    expect(isoTimeFromGz('20260101080000', 'gxsj')).toBe('2026-01-01T00:00:00Z');
    expect(isoTimeFromGz('20260101070000', 'gxsj')).toBe('2025-12-31T23:00:00Z');
  });

  it('refuses impossible stored dates as BAD_SOURCE_DATA', () => {
    for (const bad of ['19400230', '1940011', 'abcdefgh']) {
      expect(() => isoDateFromGz(bad, 'csrq')).toThrow(expect.objectContaining({ kind: 'BAD_SOURCE_DATA' }));
    }
    expect(() => isoTimeFromGz('20260101246000', 'gxsj')).toThrow(AdapterError);
  });

  it('turns filter bounds into GZ forms, a date meaning the whole UTC day', () => {
    expect(gzDateBound('bornFrom', '1990-02-28')).toBe('19900228');
    expect(() => gzDateBound('bornFrom', '1990-02-30')).toThrow(expect.objectContaining({ kind: 'BAD_INPUT' }));
    expect(gzTimeBound('reportedFrom', '2026-01-01', 'from')).toBe('20260101080000');
    expect(gzTimeBound('reportedTo', '2026-01-01', 'to')).toBe('20260102075959');
    expect(gzTimeBound('reportedFrom', '2026-01-01T12:00:00+08:00', 'from')).toBe('20260101120000');
    expect(gzTimeBound('reportedFrom', undefined, 'from')).toBeUndefined();
  });
});

describe('GZ code tables', () => {
  it('surfaces unknown sex codes and filters the unknown values by exclusion', () => {
    expect(sexFromGz('2')).toEqual({ sex: 'FEMALE', sexCodeAsRecorded: null });
    expect(sexFromGz('0')).toEqual({ sex: 'UNKNOWN', sexCodeAsRecorded: '0' });
    expect(sexFilter('UNKNOWN')).toEqual({ exclude: '1,2' });
    expect(caseTypeFilter('THEFT')).toEqual({ include: '201' });
    expect(caseTypeFilter('OTHER')).toEqual({ exclude: '101,201,202,301,302,401,501' });
    expect(caseStatusFilter('UNKNOWN')).toEqual({ exclude: '10,20,30,40,50' });
  });
});

describe('GZ keys', () => {
  it('looks up a 1900s number in both forms and drops keys that are not normalised', () => {
    expect(gzIdNumberForms(['520102194001020010', '520102200001010013', '520102400104003', "' OR 1=1"])).toEqual([
      '520102194001020010',
      '520102400102001',
      '520102200001010013',
    ]);
    expect(normalisedPlates(['貴A00001', '贵A00001', '貴A·00001'])).toEqual(['貴A00001']);
  });
});
