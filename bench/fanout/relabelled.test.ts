import { describe, expect, it } from 'vitest';
import type { RegionAdapter } from '../../adapters/adapter.ts';
import { relabelled } from './relabelled.ts';

describe('a re-labelled region adapter', () => {
  const inner = {
    region: { code: 'JS', name: '江蘇', areaPrefixes: ['32'], plateProvinces: ['蘇'] },
    calls: 0,
    async personRecordsById(this: { calls: number }, ids: readonly string[]) {
      this.calls += 1;
      return ids.map(() => null);
    },
  } as unknown as RegionAdapter & { calls: number };

  it('answers as the new region code and keeps the rest of the region description', () => {
    const adapter = relabelled(inner, 'XA');
    expect(adapter.region).toMatchObject({ code: 'XA', areaPrefixes: ['32'] });
    expect(inner.region.code).toBe('JS');
  });

  it('runs the inner adapter’s methods on the inner adapter', async () => {
    const adapter = relabelled(inner, 'XA');
    await expect(adapter.personRecordsById(['P1', 'P2'])).resolves.toEqual([null, null]);
    expect(inner.calls).toBe(1);
  });
});
