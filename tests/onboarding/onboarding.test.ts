/**
 * A region in an afternoon, end to end: scaffold a fourth region (AH, 安徽) with
 * `npm run new-region`, see its conformance suite fail, fill the adapter in over a small
 * JSON-lines data set, start its subgraph, register it in the running gateway's
 * regions.json, and query it beside JS, GZ and HB. And a region serving a schema that
 * differs from the contract is refused, naming the differing types and fields.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT } from '../../scripts/lib/children.ts';
import { writeJson } from '../support/gateway.ts';
import { startProcess, stopAll } from '../support/processes.ts';
import { freePort } from '../support/ports.ts';
import { seedData, startSystem, type System } from '../support/system.ts';
import { writeAhData, type AhData } from './ah-data.ts';
import { startDifferingSubgraph, type DifferingSubgraph } from './differing-subgraph.ts';
import { copyTree, type TreeCopy } from './tree.ts';

/** The filled-in AH adapter, as an adapter author would write it (`.txt`: it only compiles inside adapters/ah/). */
const FIXTURES = fileURLToPath(new URL('./fixtures/ah/', import.meta.url));

let dataDir: string;
let system: System;
let tree: TreeCopy;
let ah: AhData;
let differing: DifferingSubgraph | undefined;

beforeAll(async () => {
  dataDir = await seedData();
  system = await startSystem({ dataDir });
  tree = copyTree();
});

afterAll(async () => {
  await differing?.close();
  await stopAll();
  await system?.stop();
  tree?.remove();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `npm run new-region` (the script itself) against the copy's adapters folder. */
function newRegion(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/new-region.ts', ...args, '--adapters-dir', join(tree.root, 'adapters')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

/** `npx vitest run adapters/ah/` inside the copy, as the adapter author would run it. */
function runConformance(): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [join(tree.root, 'node_modules/vitest/vitest.mjs'), 'run', 'adapters/ah/'], {
    cwd: tree.root,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

function registerRegions(extra: Array<{ code: string; name: string; url: string }>): void {
  const file = join(system.configDir, 'regions.json');
  const current = JSON.parse(readFileSync(file, 'utf8')) as { regions: object[] };
  writeJson(file, { ...current, regions: [...current.regions, ...extra] });
}

async function readyz(): Promise<{ regions: Array<{ code: string }>; refused: Array<{ code: string; state: string; detail: string }> }> {
  const response = await fetch(new URL('/readyz', system.gatewayUrl));
  return (await response.json()) as never;
}

const PERSON = `query Person($id: String!) { person(idNumber: $id) { idNumber regions records { id region name } } }`;

describe('onboarding a fourth region', () => {
  it('scaffolds AH and refuses a bad or existing code', () => {
    const made = newRegion('--code', 'AH', '--name', '安徽', '--area-prefix', '34', '--plate', '皖');
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(made.stdout).toContain('ah.conformance.test.ts');
    const again = newRegion('--code', 'AH', '--name', '安徽');
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('region AH already has an adapter folder');
    const bad = newRegion('--code', 'ah!', '--name', 'x');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--code "ah!" is not a region code');
  });

  it('the scaffolded conformance suite fails (not skips) until the adapter is written', () => {
    const { status, output } = runConformance();
    expect(status, output).not.toBe(0);
    expect(output).toMatch(/adapter conformance: AH/);
    expect(output).toMatch(/startTestSystem\(\) in adapters\/ah\/ah\.conformance\.test\.ts is not written yet/);
    // The kit builds the adapter in beforeAll: a setup that cannot run fails the whole suite.
    expect(output).toMatch(/Test Files\s+1 failed/);
    expect(output).not.toMatch(/Tests\s+\d+ passed/);
  }, 60_000);

  it('filled in, the AH adapter passes the conformance suite', () => {
    for (const file of ['index.ts', 'codes.ts', 'records.ts'])
      copyFileSync(join(FIXTURES, `${file}.txt`), join(tree.root, 'adapters/ah', file));
    copyFileSync(join(FIXTURES, 'conformance.test.ts.txt'), join(tree.root, 'adapters/ah/ah.conformance.test.ts'));
    const { status, output } = runConformance();
    expect(status, output).toBe(0);
    expect(output).toMatch(/Tests\s+13 passed/);
  }, 60_000);

  it('started and registered while the gateway runs, AH answers beside JS, GZ and HB', async () => {
    const { idNumber } = system.scenarios.personInAllRegions;
    ah = writeAhData(dataDir, idNumber);
    const port = await freePort();
    const subgraph = await startProcess({
      name: 'subgraph AH',
      file: join(tree.root, 'subgraphs/main.ts'),
      args: ['--region', 'AH', '--port', String(port), '--data', dataDir],
      env: { LIANDONG_KEYS_DIR: join(system.configDir, 'keys') },
    });
    const before = await system.query(PERSON, { id: idNumber });
    expect(before.data.person.regions).toEqual(['JS', 'GZ', 'HB']);

    registerRegions([{ code: 'AH', name: '安徽', url: subgraph.url! }]);

    // The gateway notices the file on its own; wait for the behaviour, not for a time.
    await vi.waitFor(
      async () => {
        expect((await system.query(PERSON, { id: idNumber })).data.person.regions).toEqual(['JS', 'GZ', 'HB', 'AH']);
      },
      { timeout: 15_000, interval: 200 },
    );
    const after = await system.query(PERSON, { id: idNumber });
    expect(after.errors).toBeUndefined();
    expect(after.data.person.records.map((r: { region: string }) => r.region).sort()).toEqual(['AH', 'GZ', 'HB', 'JS']);
    expect(after.data.person.records.find((r: { region: string }) => r.region === 'AH').id).toBe(`AH:${ah.shared.id}`);

    // A person only AH holds, by the 15-digit number an officer might type, and a routed record lookup.
    const native = ah.natives[0];
    const legacy = `${native.idNumber.slice(0, 6)}${native.idNumber.slice(8, 17)}`;
    const only = await system.query(PERSON, { id: legacy });
    expect(only.data.person).toMatchObject({
      idNumber: native.idNumber,
      regions: ['AH'],
      records: [{ id: `AH:${native.id}`, region: 'AH', name: native.name }],
    });
    const record = await system.query('query R($id: ID!) { personRecord(id: $id) { id name idNumber } }', { id: `AH:${native.id}` });
    expect(record.data.personRecord).toEqual({ id: `AH:${native.id}`, name: native.name, idNumber: native.idNumber });
    const search = await system.query('{ searchPersons(filter: { name: "方*" }, first: 10) { edges { node { idNumber } } } }');
    expect(search.errors).toBeUndefined();
    expect(search.data.searchPersons.edges.map((e: { node: { idNumber: string } }) => e.node.idNumber)).toEqual(
      expect.arrayContaining([ah.natives[0].idNumber, ah.natives[1].idNumber]),
    );
    expect((await readyz()).regions.map((r) => r.code)).toEqual(['JS', 'GZ', 'HB', 'AH']);
  });

  it('refuses a region whose served schema differs from the contract, naming the types and fields', async () => {
    differing = await startDifferingSubgraph((part, sdl) =>
      part !== 'records'
        ? sdl
        : sdl
            .replace('phone: String @requiresScopes', 'phone: Int @requiresScopes')
            .replace(/\n\s*"Narrative summary[^\n]*\n\s*summary: String[^\n]*/, ''),
    );
    registerRegions([{ code: 'ZJ', name: '浙江', url: differing.url }]);
    await vi.waitFor(async () => expect((await readyz()).refused.map((r) => r.code)).toEqual(['ZJ']), { timeout: 15_000, interval: 200 });
    const { refused, regions } = await readyz();
    expect(refused[0].state).toBe('refused');
    expect(refused[0].detail).toContain('differing types: Case, PersonRecord');
    expect(refused[0].detail).toContain('PersonRecord.phone (changed: contract ": String');
    expect(refused[0].detail).toContain('Case.summary (missing');
    expect(regions.map((r) => r.code)).toEqual(['JS', 'GZ', 'HB', 'AH']);
    const person = await system.query(PERSON, { id: system.scenarios.personInAllRegions.idNumber });
    expect(person.data.person.regions).toEqual(['JS', 'GZ', 'HB', 'AH']);
  });
});
