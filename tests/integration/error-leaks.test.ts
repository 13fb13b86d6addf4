/**
 * What callers must never get back in an error, over real processes (the GZ stand-in,
 * three regional subgraphs behind counting proxies, the gateway): their own input
 * echoed whole, a region's internal address, a subgraph's database path. The operator
 * log keeps the detail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { seedData, startSystem, type System } from '../support/system.ts';

let system: System;
let dataDir: string;

beforeAll(async () => {
  dataDir = await seedData();
  system = await startSystem({ dataDir, regionTimeoutMs: 1500, gatewayConfig: { cache: { enabled: false } } });
});

afterAll(async () => {
  await system?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const PERSON = 'query Person($id: String!) { person(idNumber: $id) { idNumber regions records { id } } }';

/** Every port of the system: none may appear in what a caller sees. */
function ports(): string[] {
  return ['JS', 'GZ', 'HB']
    .flatMap((code) => {
      const region = system.regions[code as 'JS'];
      return [new URL(region.url).port, new URL(region.subgraphUrl).port];
    })
    .concat(new URL(system.standins.GZ.url).port);
}

describe('user input in errors', () => {
  it('a 900 KB identity number comes back as a short prefix and its length, not whole', async () => {
    const response = await system.query(PERSON, { id: '3'.repeat(900_000) });
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].message).toContain(`"${'3'.repeat(40)}"… (900000 characters)`);
    expect(JSON.stringify(response).length).toBeLessThan(10_000);
  });
});

describe('a region going down', () => {
  it("its subgraph's /healthz names a reason, not the legacy service's address or the data path", async () => {
    await system.standins.GZ.kill();
    try {
      const health = await fetch(`${system.regions.GZ.url}/healthz`);
      expect(health.status).toBe(503);
      const body = await health.text();
      expect(JSON.parse(body)).toMatchObject({
        status: 'unavailable',
        region: 'GZ',
        reason: expect.stringMatching(/^(unhealthy|error|timeout)$/),
      });
      expect(body).not.toContain(new URL(system.standins.GZ.url).port);
      expect(body).not.toContain(dataDir);
    } finally {
      await system.standins.GZ.start();
    }
  });

  it("a dead subgraph is named with a stable reason in the answer; its address only in the gateway's log", async () => {
    await system.regions.GZ.kill();
    try {
      const { idNumber } = system.scenarios.personInAllRegions;
      const response = await system.query(PERSON, { id: idNumber });
      expect(response.data.person.regions).toEqual(['JS', 'HB']);
      const unavailable = response.errors!.find((e) => e.extensions?.code === 'REGION_UNAVAILABLE')!;
      expect(unavailable.extensions).toMatchObject({ region: 'GZ', reason: 'bad-response' });
      expect(unavailable.message).toMatch(/^Region GZ \(GZ\) did not answer the index fetch: it answered HTTP 502/);
      const text = JSON.stringify(response);
      for (const port of ports()) expect(text).not.toContain(`:${port}`);
      expect(text).not.toContain('ECONNREFUSED');

      const readyz = await (await fetch(new URL('/readyz', system.gatewayUrl))).text();
      for (const port of ports()) expect(readyz).not.toContain(`:${port}`);

      await expect.poll(() => system.gatewayOutput()).toContain('region request failed');
      const logged = system
        .gatewayOutput()
        .split('\n')
        .filter((line) => line.includes('region request failed'));
      expect(logged.some((line) => line.includes(`${new URL(system.regions.GZ.subgraphUrl).host}/index`))).toBe(true);
    } finally {
      await system.regions.GZ.start();
    }
  });
});
