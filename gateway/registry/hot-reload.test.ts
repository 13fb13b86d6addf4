import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contractTypeDefs } from '../federation/compose.ts';
import { describeDifference, diffSdl } from './contract-diff.ts';
import { contractCheck, type ContractCheck } from './contract-check.ts';
import { validateRegionsFile } from './regions-file.ts';
import { ConfigPath } from '../config/check.ts';
import { RegionRegistry } from './registry.ts';
import { contractSdl } from '../../subgraphs/contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'liandong-hot-reload-'));
const file = join(dir, 'regions.json');
const write = (value: unknown) => writeFileSync(file, JSON.stringify(value));
const region = (code: string, port: number) => ({ code, name: code, url: `http://127.0.0.1:${port}` });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Accepts every region but `refuse`, recording whom it was asked about. */
function fakeCheck(refuse: string[], asked: string[]): ContractCheck {
  return async (r) => {
    asked.push(r.code);
    return refuse.includes(r.code)
      ? { ok: false, reason: `region ${r.code} refused: differing types: Person`, differences: [] }
      : { ok: true };
  };
}

describe('hot registration', () => {
  it('checks only new regions, keeps refused ones out of service and reports them', async () => {
    write({ regions: [region('JS', 4101)] });
    const registry = RegionRegistry.load(file);
    const asked: string[] = [];
    registry.admitWith(fakeCheck(['ZJ'], asked));
    write({ regions: [region('JS', 4101), region('AH', 4104), region('ZJ', 4105)] });
    const result = await registry.reloadAdmitted();
    expect(asked.sort()).toEqual(['AH', 'ZJ']);
    expect(result).toMatchObject({ ok: true, changed: true });
    expect(registry.regions().map((r) => r.code)).toEqual(['JS', 'AH']);
    expect(registry.refusedRegions()).toMatchObject([
      { code: 'ZJ', state: 'refused', detail: expect.stringContaining('differing types: Person') },
    ]);
  });

  it('keeps a region in service at its old URL when its new URL is refused', async () => {
    write({ regions: [region('JS', 4101)] });
    const registry = RegionRegistry.load(file);
    registry.admitWith(fakeCheck(['JS'], []));
    write({ regions: [region('JS', 4999)] });
    await registry.reloadAdmitted();
    expect(registry.regions().map((r) => r.url)).toEqual(['http://127.0.0.1:4101']);
    expect(registry.refusedRegions().map((r) => r.url)).toEqual(['http://127.0.0.1:4999']);
  });

  it('refuses an invalid file naming the bad setting, and keeps the previous regions', async () => {
    write({ regions: [region('JS', 4101)] });
    const registry = RegionRegistry.load(file);
    registry.admitWith(fakeCheck([], []));
    write({ regions: [region('JS', 4101), { ...region('AH', 4104), timeoutMs: 'fast' }] });
    const result = await registry.reloadAdmitted();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/regions\[1\]\.timeoutMs/);
    expect(registry.regions().map((r) => r.code)).toEqual(['JS']);
  });
});

describe('in-flight requests', () => {
  it('keep the region list they started with across a reload; the next request sees the new one', async () => {
    write({ regions: [region('JS', 4101)] });
    const registry = RegionRegistry.load(file);
    registry.admitWith(fakeCheck([], []));
    const inFlight = {};
    registry.pin(inFlight);
    const before = registry.regions(inFlight).map((r) => r.code);
    write({ regions: [region('JS', 4101), region('AH', 4104)] });
    await registry.reloadAdmitted();
    const next = {};
    registry.pin(next);
    expect(registry.regions(next).map((r) => r.code)).toEqual(['JS', 'AH']);
    expect(registry.regions().map((r) => r.code)).toEqual(['JS', 'AH']);
    expect({ before, after: registry.regions(inFlight).map((r) => r.code) }).toEqual({ before: ['JS'], after: ['JS'] });
  });
});

describe('contract diff', () => {
  it('finds nothing in the contract as served', () => {
    for (const part of ['records', 'index', 'search'] as const) expect(diffSdl(contractTypeDefs(part), contractSdl(part))).toEqual([]);
  });

  it('refuses a region whose SDL cannot be fetched, saying which part and why', async () => {
    const [dead] = validateRegionsFile(
      { regions: [{ code: 'ZZ', name: 'ZZ', url: 'http://127.0.0.1:9', timeoutMs: 300 }] },
      new ConfigPath('test'),
    );
    const verdict = await contractCheck()(dead);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(
      /region ZZ \(http:\/\/127\.0\.0\.1:9\) refused[\s\S]*could not fetch the served SDL of:[\s\S]*records: /,
    );
  });

  it('names changed, missing and extra fields', () => {
    const served = contractSdl('records')
      .replace('phone: String @requiresScopes', 'phone: Int @requiresScopes')
      .replace(/\n\s*"Narrative summary[^\n]*\n\s*summary: String[^\n]*/, '\n  nickname: String');
    const found = diffSdl(contractTypeDefs('records'), served).map(describeDifference);
    expect(found).toEqual([
      'Case.nickname (not in the contract: served ": String")',
      'Case.summary (missing: the contract has ": String @requiresScopes(scopes: [["case:details"]])")',
      'PersonRecord.phone (changed: contract ": String @requiresScopes(scopes: [["person:contact"]])", served ": Int @requiresScopes(scopes: [["person:contact"]])")',
    ]);
  });
});
