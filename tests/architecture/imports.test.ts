/**
 * The import rules between the top-level folders (docs/architecture.md, "Import rules"),
 * as .dependency-cruiser.cjs states them: the tree must break none, and the check must
 * catch a deliberate break (else a config that matches nothing would pass forever).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const FOLDERS = ['common', 'schema', 'gateway', 'subgraphs', 'adapters', 'standins', 'scripts', 'bench', 'tests', 'docker'];

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: { name: string }[];
}

/** Cruises `folders` under `cwd` with the project's rules; the violations found. */
function cruise(cwd: string, folders: string[]): Violation[] {
  const run = spawnSync(process.execPath, [CLI, ...folders, '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (!run.stdout) throw new Error(`dependency-cruiser did not run (exit ${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
  return result.summary.violations;
}

function describeViolation(v: Violation): string {
  const cycle = v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${cycle}`;
}

describe('import rules between the top-level folders', () => {
  const fixtures: string[] = [];
  afterAll(() => {
    for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
  });

  it('hold over the whole tree', () => {
    const violations = cruise(ROOT, FOLDERS).map(describeViolation);
    expect(violations, `import rule violations:\n${violations.join('\n')}`).toEqual([]);
  });

  it("catch a deliberate break: the gateway importing the subgraph server, common/ the gateway, an adapter a stand-in, a cycle, a concern calling another's wiring, reaching into another's parts or into plugins/, the engine reaching into a concern", () => {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-imports-'));
    fixtures.push(dir);
    const file = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file(
      'tsconfig.json',
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true },
      }),
    );
    file('subgraphs/server.ts', 'export const server = 1;\n');
    file('gateway/server.ts', "import { server } from '../subgraphs/server.ts';\nexport const gateway = server;\n");
    file('common/floor.ts', "import { gateway } from '../gateway/server.ts';\nexport const floor = gateway;\n");
    file('standins/gz/process.ts', 'export const standin = 1;\n');
    file('adapters/gz/measure.ts', "import { standin } from '../../standins/gz/process.ts';\nexport const measure = standin;\n");
    file(
      'gateway/auth/security.ts',
      "import { authentication } from '../plugins/authentication.ts';\nexport const security = () => authentication;\n",
    );
    file(
      'gateway/plugins/authentication.ts',
      "import { security } from '../auth/security.ts';\nexport const authentication = () => security;\n",
    );
    file('gateway/limits/index.ts', 'export const createLimits = () => 1;\n');
    file('gateway/cache/keys.ts', "import { createLimits } from '../limits/index.ts';\nexport const keys = createLimits;\n");
    // A concern reaching into another's parts, and the engine reaching into a concern.
    file('gateway/authorisation/filter.ts', 'export const filterOperation = () => 1;\n');
    file(
      'gateway/cache/fetch-shape.ts',
      "import { filterOperation } from '../authorisation/filter.ts';\nexport const shape = filterOperation;\n",
    );
    file('gateway/cache/entity-cache.ts', 'export class EntityCache {}\n');
    file(
      'gateway/federation/build-service.ts',
      "import { EntityCache } from '../cache/entity-cache.ts';\nexport const build = () => new EntityCache();\n",
    );
    file('adapters/gz/gz.test.ts', "import { standin } from '../../standins/gz/process.ts';\nexport const allowed = standin;\n");

    const found = cruise(dir, ['common', 'gateway', 'subgraphs', 'adapters', 'standins']).map(describeViolation).sort();
    // The adapter's test file may start the stand-in: it is test code.
    expect(found.filter((line) => !line.startsWith('no-circular:'))).toEqual([
      'common-stands-alone: common/floor.ts → gateway/server.ts',
      'gateway-concern-not-another-concerns-wiring: gateway/cache/keys.ts → gateway/limits/index.ts',
      'gateway-concerns-apart: gateway/cache/fetch-shape.ts → gateway/authorisation/filter.ts',
      'gateway-concerns-apart: gateway/cache/keys.ts → gateway/limits/index.ts',
      'gateway-federation-below-the-concerns: gateway/federation/build-service.ts → gateway/cache/entity-cache.ts',
      'gateway-not-subgraphs: gateway/server.ts → subgraphs/server.ts',
      'gateway-plugins-only-ordered-by-the-server: gateway/auth/security.ts → gateway/plugins/authentication.ts',
      'product-not-test-code: adapters/gz/measure.ts → standins/gz/process.ts',
    ]);
    // A cycle is reported once, from whichever of its modules is met first.
    const cycles = found.filter((line) => line.startsWith('no-circular:'));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toContain('gateway/auth/security.ts');
    expect(cycles[0]).toContain('gateway/plugins/authentication.ts');
  });
});
