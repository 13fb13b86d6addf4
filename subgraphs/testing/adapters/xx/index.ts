/** A broken test adapter: module XX builds an adapter for another region. */
import type { AdapterFactory } from '../../../../adapters/adapter.ts';
import { createMemoryAdapter } from '../../memory-adapter.ts';
import { JS_REGION, smallRegion } from '../../fixtures.ts';

export const createAdapter: AdapterFactory = async () => createMemoryAdapter(JS_REGION, smallRegion());
