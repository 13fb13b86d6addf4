import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../scripts/lib/ports.ts';
import { RegionRegistry } from './registry.ts';

const dir = mkdtempSync(join(tmpdir(), 'liandong-registry-'));
const file = join(dir, 'regions.json');
let healthy: http.Server;
let healthyUrl: string;

const write = (regions: unknown[]) => writeFileSync(file, JSON.stringify({ regions }));
const region = (code: string, url: string) => ({ code, name: code, url, timeoutMs: 300 });

beforeAll(async () => {
  healthy = http.createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end());
  await new Promise<void>((resolve) => healthy.listen(0, '127.0.0.1', resolve));
  healthyUrl = `http://127.0.0.1:${(healthy.address() as AddressInfo).port}`;
});

afterAll(() => {
  healthy.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('RegionRegistry', () => {
  it('lists endpoints per contract part in registry order', () => {
    write([region('JS', 'http://127.0.0.1:4101'), region('GZ', 'http://127.0.0.1:4102')]);
    const registry = RegionRegistry.load(file);
    expect(registry.endpoints('index').map((e) => e.url)).toEqual(['http://127.0.0.1:4101/index', 'http://127.0.0.1:4102/index']);
    expect(registry.region('GZ')?.endpoints.records).toBe('http://127.0.0.1:4102/records');
    expect(registry.region('HB')).toBeUndefined();
  });

  it('reloads a changed file and tells listeners; keeps the old regions when the new file is bad', () => {
    write([region('JS', 'http://127.0.0.1:4101')]);
    const registry = RegionRegistry.load(file);
    const seen: string[][] = [];
    registry.onChange((regions) => seen.push(regions.map((r) => r.code)));

    expect(registry.reload()).toEqual({ ok: true, changed: false });
    write([region('JS', 'http://127.0.0.1:4101'), region('HB', 'http://127.0.0.1:4103')]);
    expect(registry.reload()).toEqual({ ok: true, changed: true });
    expect(seen).toEqual([['JS', 'HB']]);

    write([region('JS', 'not a url')]);
    const bad = registry.reload();
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.message).toContain('regions[0].url: expected an http(s) URL, got "not a url"');
    expect(registry.regions().map((r) => r.code)).toEqual(['JS', 'HB']);
    expect(seen).toHaveLength(1);
  });

  it('probes each region and records what queries observed', async () => {
    // A port where nothing listens: GZ refuses connections, like a region that is down.
    const deadUrl = `http://127.0.0.1:${await closedPort()}`;
    write([region('JS', healthyUrl), region('GZ', deadUrl)]);
    const registry = RegionRegistry.load(file);
    expect((await registry.view({ fresh: false })).map((r) => r.state)).toEqual(['unknown', 'unknown']);

    const probed = await registry.view({ fresh: true });
    expect(probed.map((r) => [r.code, r.state])).toEqual([
      ['JS', 'up'],
      ['GZ', 'down'],
    ]);
    expect(probed[1].detail).toBe('unreachable (connection refused)');

    registry.observe({ region: 'JS', subgraph: 'index', status: 'timeout', latencyMs: 300.4, message: 'JS: no answer within 300 ms' });
    registry.observe({ region: 'JS', subgraph: 'index', status: 'skipped', latencyMs: 0 });
    const [js] = await registry.view({ fresh: false });
    expect(js).toMatchObject({ state: 'down', latencyMs: 300, detail: 'JS: no answer within 300 ms' });
  });
});

describe('RegionRegistry.watch', () => {
  it('reloads when the file is replaced', async () => {
    write([region('JS', 'http://127.0.0.1:4101')]);
    const registry = RegionRegistry.load(file);
    const results: unknown[] = [];
    const stop = registry.watch((result) => results.push(result));
    try {
      const next = join(dir, 'regions.next.json');
      writeFileSync(next, JSON.stringify({ regions: [region('JS', 'http://127.0.0.1:4101'), region('GZ', 'http://127.0.0.1:4102')] }));
      renameSync(next, file);
      await expect.poll(() => registry.regions().map((r) => r.code)).toEqual(['JS', 'GZ']);
      expect(results).toContainEqual({ ok: true, changed: true });
    } finally {
      stop();
    }
  });
});
