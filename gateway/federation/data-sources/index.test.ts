import { describe, expect, it } from 'vitest';
import { regionalUrl } from '../compose.ts';
import {
  closeRegionClients,
  createDataSource,
  FannedOutDataSource,
  PlainDataSource,
  regionClients,
  RoutedDataSource,
  SearchDataSource,
} from './index.ts';

describe('createDataSource', () => {
  const registry = { regions: () => [] };

  it('picks the data source of each contract part by its liandong-region URL, and a plain one otherwise', async () => {
    expect(createDataSource({ name: 'records', url: regionalUrl('records') }, { registry })).toBeInstanceOf(RoutedDataSource);
    expect(createDataSource({ name: 'index', url: regionalUrl('index') }, { registry })).toBeInstanceOf(FannedOutDataSource);
    expect(createDataSource({ name: 'search', url: regionalUrl('search') }, { registry })).toBeInstanceOf(SearchDataSource);
    const plain = createDataSource({ name: 'records', url: 'http://127.0.0.1:1/graphql' }, { registry });
    expect(plain).toBeInstanceOf(PlainDataSource);
    await (plain as PlainDataSource).close();
    await closeRegionClients(registry);
  });

  it('shares one set of region clients (breakers, caps) per registry', () => {
    const other = { regions: () => [] };
    expect(regionClients({ registry })).toBe(regionClients({ registry }));
    expect(regionClients({ registry: other })).not.toBe(regionClients({ registry }));
  });

  it('names the subgraph when it has no url', () => {
    expect(() => createDataSource({ name: 'accounts' }, { registry })).toThrow(/subgraph accounts: no url in the supergraph/);
  });
});
