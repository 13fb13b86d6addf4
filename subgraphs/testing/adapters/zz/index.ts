/** A loadable test adapter for region ZZ: the memory adapter over the small fixture. */
import type { AdapterFactory } from '../../../../adapters/adapter.ts';
import { createMemoryAdapter } from '../../memory-adapter.ts';
import { JS_REGION, smallRegion } from '../../fixtures.ts';

export const createAdapter: AdapterFactory = async (options) => {
  const adapter = createMemoryAdapter({ ...JS_REGION, code: 'ZZ', name: String(options.settings.name ?? 'test') }, smallRegion());
  return adapter;
};
