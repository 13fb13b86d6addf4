import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hotFunctions, hotPackages, where } from './profile.ts';

function profileFile(): string {
  const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 9 } });
  const profile = {
    nodes: [
      frame(1, '(idle)', ''),
      frame(2, 'flattenResultsAtPath', 'file:///work/main/node_modules/@apollo/gateway/dist/executeQueryPlan.js'),
      frame(3, 'personIdNumbers', 'file:///work/main/gateway/limits/bulk-lookup.ts'),
      frame(4, '(garbage collector)', ''),
    ],
    // idle 1000 µs (left out), gateway 300, limits 100, GC 100 → busy 500
    samples: [1, 2, 2, 3, 4, 2],
    timeDeltas: [1000, 100, 100, 100, 100, 100],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'bench-profile-')), 'p.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

describe('CPU profile summary', () => {
  it('ranks functions by self time as shares of busy (non-idle) time', () => {
    const top = hotFunctions(profileFile());
    expect(top.map((f) => f.fn)).toEqual(['flattenResultsAtPath', 'personIdNumbers', '(garbage collector)']);
    expect(top[0].share).toBeCloseTo(0.6);
    expect(top[0].selfMs).toBeCloseTo(0.3);
  });

  it('leaves out the first milliseconds (start-up) when asked', () => {
    // Cumulative sample times: 1.0, 1.1, 1.2, 1.3, 1.4, 1.5 ms; skipping 1.25 ms keeps the last three.
    const top = hotFunctions(profileFile(), 15, 1.25);
    expect(top.map((f) => f.fn).sort()).toEqual(['(garbage collector)', 'flattenResultsAtPath', 'personIdNumbers']);
    for (const f of top) expect(f.share).toBeCloseTo(1 / 3);
  });

  it('groups by package or source folder, native frames by what they are', () => {
    expect(hotPackages(profileFile())).toEqual([
      { where: '@apollo/gateway', share: expect.closeTo(0.6) },
      { where: 'gateway/limits', share: expect.closeTo(0.2) },
      { where: '(garbage collector)', share: expect.closeTo(0.2) },
    ]);
  });

  it('names node_modules frames by package and repository frames by path and line', () => {
    expect(where('file:///x/node_modules/@apollo/gateway/dist/a.js', 3)).toBe('@apollo/gateway/dist');
    expect(where('file:///work/main/gateway/audit/subjects.ts', 3)).toBe('gateway/audit/subjects.ts:4');
  });
});
