/**
 * The executor as the gateway runs it: `executor.engine` picks it (validated at start-up),
 * the gateway's operations run on it (counted on /metrics), and a gateway on the compiled
 * executor answers what one on Apollo's executor answers (a region that is down included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { startTestGateway, type TestGateway } from '../../../tests/support/gateway.ts';
import { metricSample } from '../../../tests/support/metrics.ts';
import { officerHeaders } from '../../../tests/support/live.ts';

const PERSON = 'query P($id: String!) { person(idNumber: $id) { idNumber regions records { id region name } } }';

const OPERATIONS: { query: string; variables?: Record<string, string> }[] = [
  { query: '{ regions { code name status detail } }' },
  // A lookup in a region that is down: the region's error and the null beside it.
  { query: PERSON, variables: { id: '320102199001011232' } },
  // An identity number with a wrong check character: the data source's BAD_USER_INPUT.
  { query: PERSON, variables: { id: '320102199001011234' } },
  { query: '{ __typename }' },
];

// One keys directory for both gateways: the officer's token is good at either.
const keysDir = mkdtempSync(join(tmpdir(), 'liandong-executor-keys-'));

async function answer(gateway: TestGateway, { query, variables }: (typeof OPERATIONS)[number]): Promise<string> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    // An investigator on a patrol check: the person lookup is authorised and reaches the (down) region.
    headers: { 'content-type': 'application/json', ...(await officerHeaders(keysDir, { roles: ['investigator'] })) },
    body: JSON.stringify({ query, variables }),
  });
  const { data, errors } = await response.json();
  // Each operation is answered, not refused before it runs (a refusal would make the comparison empty).
  expect(data).toBeTruthy();
  // The audit id and timings in `extensions` differ per request; data and errors must not.
  return JSON.stringify({ errors, data });
}

describe('executor.engine', () => {
  let compiled: TestGateway;
  let apollo: TestGateway;
  beforeAll(async () => {
    compiled = await startTestGateway({ config: { auth: { keysDir } } });
    apollo = await startTestGateway({ config: { auth: { keysDir }, executor: { engine: 'apollo' } } });
  });
  afterAll(async () => {
    await compiled?.close();
    await apollo?.close();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('runs the gateway on the compiled executor by default, with the answers of Apollo executor', async () => {
    for (const operation of OPERATIONS) expect(await answer(compiled, operation)).toBe(await answer(apollo, operation));
    const labels = { executor: 'compiled', reason: 'none' };
    expect(await metricSample(compiled.url, 'liandong_plan_executions_total', labels)).toBe(OPERATIONS.length);
    expect(await metricSample(apollo.url, 'liandong_plan_executions_total', labels)).toBeNull();
  });

  it('refuses an unknown engine at start-up, naming the setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-executor-config-'));
    try {
      const file = join(dir, 'gateway.json');
      writeFileSync(file, JSON.stringify({ executor: { engine: 'fast' } }));
      expect(() => loadConfig(file, {})).toThrow(/executor\.engine: expected one of "liandong", "apollo", got "fast"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
