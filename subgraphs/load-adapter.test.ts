import { describe, expect, it } from 'vitest';
import { loadAdapter } from '../adapters/load.ts';

const TEST_ADAPTERS = new URL('./testing/adapters/', import.meta.url);
const options = { dataDir: '.data', settings: { name: 'loaded' } };

describe('loadAdapter', () => {
  it('imports adapters/<code>/index.ts and builds the adapter with the options', async () => {
    const adapter = await loadAdapter('ZZ', options, TEST_ADAPTERS);
    expect(adapter.region).toMatchObject({ code: 'ZZ', name: 'loaded' });
    await adapter.close();
  });

  it.each(['js', 'J', 'JSXX', '../zz', ''])('refuses the region code %j', async (code) => {
    await expect(loadAdapter(code, options, TEST_ADAPTERS)).rejects.toThrow(`region code ${JSON.stringify(code)} is not valid`);
  });

  it('names the file it expected when the region has no adapter', async () => {
    await expect(loadAdapter('QQ', options, TEST_ADAPTERS)).rejects.toThrow(
      /no adapter for region QQ: expected .*testing\/adapters\/qq\/index\.ts/,
    );
  });

  it('refuses a module without createAdapter, naming region and file', async () => {
    await expect(loadAdapter('YY', options, TEST_ADAPTERS)).rejects.toThrow(
      /region YY \(.*yy\/index\.ts\) does not export a createAdapter/,
    );
  });

  it('refuses an adapter that claims another region', async () => {
    await expect(loadAdapter('XX', options, TEST_ADAPTERS)).rejects.toThrow(/reports region "JS", expected "XX"/);
  });
});
