/**
 * One DataLoader per adapter batch method, created per request.
 *
 * Resolvers never call the adapter's lookups directly: they `load(key)` here, and every
 * key asked in the same tick (all 50 suspects of 50 cases, all representations of one
 * `_entities` fetch) goes to the adapter as one batch. Per request, so nothing cached
 * here outlives the request or crosses from one caller to another.
 *
 * Keys are normalised before they get here (18-digit numbers, normalised plates, local
 * ids), so "the same key" is plain string equality.
 */
import DataLoader from 'dataloader';
import { AdapterError, BATCH_METHODS, type RegionAdapter } from '../adapters/adapter.ts';

export { BATCH_METHODS };

export type BatchMethod = (typeof BATCH_METHODS)[number];
type Item<M extends BatchMethod> = Awaited<ReturnType<RegionAdapter[M]>>[number];
export type Loaders = { readonly [M in BatchMethod]: DataLoader<string, Item<M>> };

export interface LoaderOptions {
  /** Largest batch handed to the adapter at once (bounds SQL parameter lists and request sizes). */
  maxBatchSize?: number;
}

export const DEFAULT_MAX_BATCH_SIZE = 1000;

/** The adapter's batch call, with its promise of "one result per key, in order" checked. */
function batchFunction<M extends BatchMethod>(adapter: RegionAdapter, method: M) {
  return async (keys: readonly string[]): Promise<Item<M>[]> => {
    const results: unknown = await (adapter[method] as (k: readonly string[]) => Promise<unknown>).call(adapter, keys);
    if (!Array.isArray(results) || results.length !== keys.length) {
      const got = Array.isArray(results) ? `${results.length} results` : typeof results;
      throw new AdapterError(
        'BAD_SOURCE_DATA',
        adapter.region.code,
        `${method} returned ${got} for ${keys.length} keys; expected one result per key, in order`,
      );
    }
    return results as Item<M>[];
  };
}

export function createLoaders(adapter: RegionAdapter, options: LoaderOptions = {}): Loaders {
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  const entries = BATCH_METHODS.map((method) => [method, new DataLoader(batchFunction(adapter, method), { maxBatchSize })]);
  return Object.fromEntries(entries) as Loaders;
}
