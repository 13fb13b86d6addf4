/**
 * `npm start` (scripts/start.ts) end to end, on free ports and a fresh data directory:
 * it seeds the missing demo data, starts the stand-in, the subgraphs and the gateway,
 * prints the GraphiQL URL and example queries, serves a cross-region query, and stops
 * every child on SIGINT. Started again, it neither builds GraphiQL nor seeds: both are
 * up to date.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { demoRegistryOnFreePorts } from '../support/ports.ts';
import { startProcess, stopAll } from '../support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'liandong-start-'));
const env = (regionsFile: string) => ({
  PORT: '0',
  LIANDONG_REGIONS: regionsFile,
  LIANDONG_DATA: join(dir, 'data'),
  LIANDONG_KEYS_DIR: join(dir, 'keys'),
  AUDIT_DIR: join(dir, 'audit'),
  AUDIT_KEY_DIR: join(dir, 'keys'),
  LOG_LEVEL: 'warn',
});

afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

async function isListening(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

it('starts the whole system, answers across regions, and stops every child on Ctrl-C', async () => {
  const { file: regionsFile, ports } = await demoRegistryOnFreePorts(dir);
  const { JS: js, GZ: gz, gzService } = ports;
  const start = await startProcess({
    // The last line of the welcome: by then the demo tokens (and the dev key) are written.
    name: 'npm start',
    file: 'scripts/start.ts',
    readyLine: /Ctrl-C stops everything/,
    timeoutMs: 90_000,
    env: env(regionsFile),
  });
  const graphqlUrl = /GraphiQL: (http:\/\/\S+)/.exec(start.output())![1];
  expect(start.output()).toMatch(/seeded JS, GZ, HB/);
  expect(start.output()).toContain(`[subgraph GZ] subgraph GZ listening on http://127.0.0.1:${gz}`);
  // HB's system takes its drop folder in while the demo runs (standins/hb/system.ts).
  expect(start.output()).toMatch(/\[HB intake\] HB intake running/);

  const token = await mintDevToken(join(dir, 'keys'), { sub: 'TEST-1', region: 'JS', roles: ['analyst'] });
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ regions { code status } }' }),
  });
  expect(await response.json()).toMatchObject({
    data: {
      regions: [
        { code: 'JS', status: 'UP' },
        { code: 'GZ', status: 'UP' },
        { code: 'HB', status: 'UP' },
      ],
    },
  });

  // The demo as printed: the investigator's token, naming the printed case, sees its parties' contact details.
  const investigatorToken = /investigator \(JS-0310552, JS\):\s+(\S+)/.exec(start.output())?.[1];
  const caseId =
    /investigator, X-Purpose "investigation; case=(\S+)" \(contact details: JS-0310552, the investigator token below, leads the case\)/.exec(
      start.output(),
    )?.[1];
  expect(investigatorToken, start.output()).toBeDefined();
  expect(caseId).toBe('JS:C-2024-000001');
  const demo = await fetch(graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${investigatorToken}`,
      'x-purpose': `investigation; case=${caseId}`,
    },
    body: JSON.stringify({ query: `{ case(id: "${caseId}") { parties { person { records { region address phone } } } } }` }),
  });
  const demoReply = (await demo.json()) as {
    data: { case: { parties: { person: { records: { region: string; address: string | null; phone: string | null }[] } }[] } };
    errors?: { extensions?: { code?: string } }[];
  };
  // The case's own region (JS) shows its parties' contact details to the case lead; another
  // region's need that region's answer to an assistance request (#14): FORBIDDEN until then.
  const records = demoReply.data.case.parties.flatMap((p) => p.person.records);
  expect(records.filter((r) => r.region === 'JS').some((r) => r.address !== null || r.phone !== null)).toBe(true);
  expect(records.filter((r) => r.region !== 'JS').every((r) => r.address === null && r.phone === null)).toBe(true);
  expect((demoReply.errors ?? []).every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);

  start.child.kill('SIGINT');
  await new Promise((resolve) => start.child.once('exit', resolve));
  expect(start.child.exitCode).toBe(0);
  for (const url of [graphqlUrl, `http://127.0.0.1:${js}/healthz`, `http://127.0.0.1:${gzService}/`]) {
    expect(await isListening(url)).toBe(false);
  }

  // A later start: the GraphiQL build and the demo data are up to date, so neither is made again.
  const again = await startProcess({
    name: 'npm start again',
    file: 'scripts/start.ts',
    readyLine: /Ctrl-C stops everything/,
    timeoutMs: 90_000,
    env: env(regionsFile),
  });
  expect(again.output()).toContain('» GraphiQL build is up to date');
  expect(again.output()).toContain('» demo data is up to date');
  expect(again.output()).not.toContain('» npm run build');
  expect(again.output()).not.toContain('» npm run seed');
  again.child.kill('SIGINT');
  await new Promise((resolve) => again.child.once('exit', resolve));
}, 200_000);
