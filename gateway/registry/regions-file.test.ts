import { describe, expect, it } from 'vitest';
import { ConfigPath } from '../config/check.ts';
import { loadRegions } from './registry.ts';
import { validateRegionsFile } from './regions-file.ts';

const at = new ConfigPath('config/regions.json');
const js = { code: 'JS', name: '江蘇', url: 'http://127.0.0.1:4101' };

describe('region registry file', () => {
  it('validates the shipped config/regions.json', () => {
    const regions = loadRegions('config/regions.json');
    expect(regions.map((r) => r.code)).toEqual(['JS', 'GZ', 'HB']);
    expect(regions[1].settings).toEqual({ serviceUrl: 'http://127.0.0.1:4202' });
  });

  it('derives the endpoints and applies defaults', () => {
    const [region] = validateRegionsFile(
      { defaults: { timeoutMs: 900, breaker: { cooldownMs: 1000 } }, regions: [{ ...js, url: 'http://127.0.0.1:4101/' }] },
      at,
    );
    expect(region).toMatchObject({
      url: 'http://127.0.0.1:4101',
      timeoutMs: 900,
      maxConcurrency: 32,
      breaker: { failureThreshold: 5, cooldownMs: 1000 },
      envelopes: { maxInFlight: 1, maxRequests: 32 },
      settings: {},
      endpoints: { records: 'http://127.0.0.1:4101/records', index: 'http://127.0.0.1:4101/index', search: 'http://127.0.0.1:4101/search' },
    });
  });

  it('takes envelopes off for one region, or other limits from the defaults', () => {
    const [one, two] = validateRegionsFile(
      {
        defaults: { envelopes: { maxInFlight: 2 } },
        regions: [
          { ...js, envelopes: false },
          { ...js, code: 'GZ', envelopes: { maxRequests: 8 } },
        ],
      },
      at,
    );
    expect(one.envelopes).toBe(false);
    expect(two.envelopes).toEqual({ maxInFlight: 2, maxRequests: 8 });
  });

  it.each([
    [
      { regions: [{ ...js, envelopes: { maxRequests: 65 } }] },
      'config/regions.json: regions[0].envelopes.maxRequests: expected an integer from 2 to 64, got 65',
    ],
    [{ regions: [{ ...js, envelopes: { size: 4 } }] }, 'config/regions.json: regions[0].envelopes'],
    [{ regions: [js, { ...js, code: 'GZ', url: 'foo' }] }, 'config/regions.json: regions[1].url: expected an http(s) URL, got "foo"'],
    [{ regions: [js, js] }, 'config/regions.json: regions[1].code: duplicate region code "JS" (already used by regions[0])'],
    [
      { regions: [{ ...js, code: 'js' }] },
      'config/regions.json: regions[0].code: expected a region code of 2–3 capital letters (e.g. "JS"), got "js"',
    ],
    [{ regions: [{ ...js, timeoutMs: 0 }] }, 'config/regions.json: regions[0].timeoutMs: expected an integer from 10 to 120000, got 0'],
    [
      { regions: [{ ...js, breaker: { failureThreshold: 'many' } }] },
      'config/regions.json: regions[0].breaker.failureThreshold: expected an integer from 1 to 1000, got "many"',
    ],
    [{ regions: [{ ...js, timeoutMS: 10 }] }, 'config/regions.json: regions[0].timeoutMS: unknown setting'],
    [
      { regions: [{ ...js, settings: { serviceUrl: { a: 1 } } }] },
      'config/regions.json: regions[0].settings.serviceUrl: expected a string, number or boolean, got {"a":1}',
    ],
    [{ regions: [] }, 'config/regions.json: regions: expected at least one region, got an empty list'],
    [{ regions: [{ code: 'JS', url: 'http://x' }] }, 'config/regions.json: regions[0].name: expected a non-empty string, got nothing'],
    [{ defaults: { timeout: 1 }, regions: [js] }, 'config/regions.json: defaults.timeout: unknown setting'],
  ])('refuses %j naming the setting', (raw, message) => {
    expect(() => validateRegionsFile(raw, at)).toThrow(message);
  });
});
