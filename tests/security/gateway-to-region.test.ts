/**
 * The whole chain, end to end over real HTTP: an officer's JWT and X-Purpose at the
 * gateway (the real context hooks and plugins), the real query planner and region data
 * sources signing each subgraph request with the internal token (a fan-out once, with a
 * binding per region), and two real regional
 * subgraphs (JS, GZ) that verify it and enforce the generated graphql-shield rules.
 *
 * The data rule under test: a person's phone held by another region is served only to
 * an investigator whose purpose names a case involving that person — the case lives in
 * JS, the record in GZ, so GZ decides from the case parties the gateway attested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { GatewayContext } from '../../gateway/context.ts';
import { ConfigPath } from '../../gateway/config/check.ts';
import { authSection } from '../../gateway/auth/config.ts';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { gatewaySecurity } from '../../gateway/auth/index.ts';
import { stripRequirements } from '../../gateway/authorisation/supergraph-directives.ts';
import { composeSupergraph, contractSubgraphs } from '../../gateway/federation/compose.ts';
import { closeRegionClients, createDataSource, type RegionEntry } from '../../gateway/federation/data-sources/index.ts';
import { graphqlHandler } from '../../gateway/http/graphql.ts';
import { LIMITS_DEFAULTS } from '../../gateway/limits/config.ts';
import { createSubgraphServer, type SubgraphServer } from '../../subgraphs/server.ts';
import { silentLogger } from '../../subgraphs/logger.ts';
import { subgraphSecurity } from '../../subgraphs/security/index.ts';
import { internalKeyFiles } from '../../common/security/internal-keys.ts';
import { createMemoryAdapter } from '../../subgraphs/testing/memory-adapter.ts';
import { JS_REGION, smallRegion, ZHANG } from '../../subgraphs/testing/fixtures.ts';

const GZ_REGION = { code: 'GZ', name: '貴州', areaPrefixes: ['52'], plateProvinces: ['貴'] };
const PHONES = `{ person(idNumber: "${ZHANG}") { records { region name phone } } }`;

let keysDir: string;
const subgraphs: SubgraphServer[] = [];
const regions: RegionEntry[] = [];
let http: Server;
let apollo: ApolloServer<GatewayContext>;
let url: string;
const directory = { regions: () => regions };

beforeAll(async () => {
  keysDir = mkdtempSync(join(tmpdir(), 'liandong-e2e-'));
  const auth = authSection.validate({ keysDir }, new ConfigPath('test.json').key('auth'), { mode: 'development', env: {}, dir: keysDir });
  const security = await gatewaySecurity({
    mode: 'development',
    auth,
    allowAnonymous: false,
    registry: { region: (code) => regions.find((r) => r.code === code) },
  });
  const gzData = {
    persons: [{ ...smallRegion().persons[0], id: 'G-77', phone: '18600000077', address: '貴陽市' }],
    cases: [],
    vehicles: [],
    notices: [],
    alerts: [],
  };
  for (const [info, data] of [
    [JS_REGION, smallRegion()],
    [GZ_REGION, gzData],
  ] as const) {
    const server = await createSubgraphServer({
      adapter: createMemoryAdapter(info, data),
      logger: silentLogger,
      ...subgraphSecurity({ region: info.code, gatewayJwksFile: internalKeyFiles(keysDir).jwksFile, logger: silentLogger }),
    });
    subgraphs.push(server);
    regions.push({
      code: info.code,
      name: info.name,
      timeoutMs: 5000,
      maxConcurrency: 8,
      endpoints: { records: `${server.url}/records`, index: `${server.url}/index`, search: `${server.url}/search` },
    });
  }
  const gateway = new ApolloGateway({
    supergraphSdl: stripRequirements(composeSupergraph(contractSubgraphs())),
    buildService: (service) =>
      createDataSource(service, { registry: directory, headers: security.subgraphHeaders, batchHeaders: security.subgraphBatchHeaders }),
  });
  apollo = new ApolloServer<GatewayContext>({ gateway, plugins: security.plugins, csrfPrevention: false });
  await apollo.start();
  const handle = graphqlHandler(apollo, {
    bodyLimitBytes: 1 << 20,
    maxVariablesDepth: LIMITS_DEFAULTS.maxVariablesDepth,
    trustProxy: false,
    contextHooks: security.contextHooks,
  });
  let n = 0;
  http = createServer((req, res) => void handle(req, res, `e2e-${++n}`));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  http?.closeAllConnections();
  await apollo?.stop();
  await closeRegionClients(directory);
  await Promise.all(subgraphs.map((s) => s.close()));
  rmSync(keysDir, { recursive: true, force: true });
});

async function ask(roles: string[], purpose: string, query = PHONES, sub = 'JS-0310552') {
  const token = await mintDevToken(keysDir, { sub, region: sub.slice(0, 2), roles });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': purpose },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, ...(await response.json()) } as { status: number; data?: any; errors?: any[] };
}

const phoneByRegion = (reply: { data?: any }) => Object.fromEntries(reply.data.person.records.map((r: any) => [r.region, r.phone]));

describe('gateway → internal token → regional data rules', () => {
  it("an investigator naming a case that involves the person sees the case region's phone; GZ's needs an answered assistance request", async () => {
    const reply = await ask(['investigator'], 'investigation; case=JS:C-2026-000001: stolen car');
    expect(reply.status).toBe(200);
    expect(phoneByRegion(reply)).toEqual({ JS: '13900000001', GZ: null });
    expect(reply.errors?.find((e) => e.path?.at(-1) === 'phone')?.extensions?.code).toBe('FORBIDDEN');
  });

  it('without a case, person:contact is withheld at the gateway and both regions refuse the phones', async () => {
    const reply = await ask(['investigator'], 'patrol-check: stop on G2');
    expect(reply.data.person.records.map((r: any) => r.name)).toEqual(['張偉', '張偉']);
    expect(phoneByRegion(reply)).toEqual({ JS: null, GZ: null });
    expect(reply.errors?.some((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
  });

  it('an admin of JS (person:contact, but not an investigator) naming the case sees only the JS phone', async () => {
    const reply = await ask(['admin'], 'investigation; case=JS:C-2026-000001');
    expect(phoneByRegion(reply)).toEqual({ JS: '13900000001', GZ: null });
  });

  it('need-to-know: an investigator JS does not list on the case gets no phone, and is told which case and why', async () => {
    const reply = await ask(['investigator'], 'investigation; case=JS:C-2026-000001', PHONES, 'JS-0999999');
    expect(reply.status).toBe(200);
    expect(reply.data.person.records.map((r: any) => r.name)).toEqual(['張偉', '張偉']);
    expect(phoneByRegion(reply)).toEqual({ JS: null, GZ: null });
    const denied = reply.errors!.filter((e) => e.extensions?.code === 'FORBIDDEN');
    expect(denied.length).toBeGreaterThan(0);
    for (const error of denied) {
      expect(error.extensions.reason).toBe('not-assigned-to-case');
      expect(error.message).toContain('officer JS-0999999 is not assigned to case JS:C-2026-000001');
    }
  });

  it('need-to-know: an officer of the assisting team from another region is assigned, and sees both phones', async () => {
    const reply = await ask(['investigator'], 'assistance-request; case=JS:C-2026-000001', PHONES, 'GZ-0188300');
    expect(reply.errors).toBeUndefined();
    expect(phoneByRegion(reply)).toEqual({ JS: '13900000001', GZ: '18600000077' });
  });

  it('regions are never asked without a purpose for personal data', async () => {
    const reply = await ask(['investigator'], '');
    expect(reply.status).toBe(400);
    expect(reply.errors?.[0].extensions.code).toBe('PURPOSE_REQUIRED');
  });
});
