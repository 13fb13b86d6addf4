import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Chain } from '../../common/log/chain.ts';
import { AuditIndexThread } from './index-thread.ts';
import { buildAuditRecord } from './record.ts';
import { emptySubjects } from '../../common/audit/subjects.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function record(n: number, officer: string) {
  return buildAuditRecord({
    auditId: `req-${n}`,
    instance: 'thread-test',
    startedAt: Date.now(),
    clientAddress: '127.0.0.1',
    userAgent: 'vitest',
    caller: { sub: officer, name: officer, region: 'JS', roles: ['investigator'], scopes: new Set(), anonymous: false },
    purpose: null,
    operationName: 'Lookup',
    operationType: 'query',
    operationHash: null,
    variables: {},
    requested: [],
    denied: [],
    subjects: { ...emptySubjects(), persons: ['320102199001011232'] },
    regions: [],
    errorCodes: [],
    hasData: true,
    httpStatus: 200,
  });
}

describe('the audit index thread', () => {
  it('answers a query with every line posted before it, and refuses once closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-index-thread-'));
    dirs.push(dir);
    const thread = new AuditIndexThread(join(dir, 'index.sqlite'));
    const chain = new Chain();
    thread.addLines([chain.link(record(1, 'alice')).line, chain.link(record(2, 'bob')).line]);
    thread.addLines([chain.link(record(3, 'alice')).line]);
    const officers = await thread.officers({ person: '320102199001011232' });
    expect(officers.map((o) => [o.sub, o.accesses])).toEqual([
      ['alice', 2],
      ['bob', 1],
    ]);
    expect(await thread.lastSeq('thread-test')).toBe(3);
    expect((await thread.byAuditId('req-2'))?.officer?.sub).toBe('bob');
    await expect(thread.find({}, 10, 'not-a-cursor')).rejects.toBeInstanceOf(RangeError);
    await thread.close();
    await expect(thread.officers({})).rejects.toThrow(/audit query index .* is not available/);
    expect(() => thread.addLines([])).toThrow(/not available/);
  });

  it('starts in a gateway started with a TypeScript preload of its own (--import probe.mts)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-index-thread-'));
    dirs.push(dir);
    const probe = join(dir, 'probe.mts');
    writeFileSync(probe, 'const loaded: boolean = true;\nexport { loaded };\n');
    const script = join(dir, 'open.mts');
    writeFileSync(
      script,
      [
        `import { AuditIndexThread } from ${JSON.stringify(fileURLToPath(new URL('./index-thread.ts', import.meta.url)))};`,
        `const thread = new AuditIndexThread(${JSON.stringify(join(dir, 'index.sqlite'))});`,
        'console.log(`lastSeq ${await thread.lastSeq("any")}`);',
        'await thread.close();',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(probe).href, script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).not.toMatch(/Unknown file extension/);
    expect(run.stdout).toContain('lastSeq 0');
  });
});
