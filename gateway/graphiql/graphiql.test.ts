/**
 * createGraphiql's mode switch: the dev-token route mints real demo tokens with the dev
 * key in development mode, and does not exist in production mode; the page's examples
 * get the demo data's values in development mode only.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_OFFICERS, devKeyFiles } from '../auth/dev-key.ts';
import type { HttpError } from '../../common/http/respond.ts';
import type { GatewayRuntime } from '../services.ts';
import { createGraphiql } from './graphiql.ts';
import { PAGE_CONFIG_ELEMENT_ID } from './page-config.ts';
import { DEV_TOKENS_PATH } from './routes.ts';

const keysDir = mkdtempSync(join(tmpdir(), 'liandong-graphiql-keys-'));
afterAll(() => rmSync(keysDir, { recursive: true, force: true }));

/** Only what createGraphiql reads of the runtime. */
function runtime(mode: 'development' | 'production'): GatewayRuntime {
  return { config: { mode, auth: { keysDir } }, supergraph: { requirements: {} } } as unknown as GatewayRuntime;
}

/** Fake built assets, so the page route answers. */
const builtDir = join(keysDir, 'built');
mkdirSync(builtDir);
writeFileSync(join(builtDir, 'app.js'), '');
writeFileSync(join(builtDir, 'app.css'), '');

const scenariosFile = join(keysDir, 'scenarios.json');
writeFileSync(
  scenariosFile,
  JSON.stringify({
    personInAllRegions: { idNumber: '321202199802121273', legacyIdNumber: '321202980212127', name: '張偉' },
    crossRegionCase: { caseId: 'JS:C-2024-000001', plate: '鄂A12345', officers: ['JS-0310552', 'JS-0310553'] },
  }),
);

async function get(mode: 'development' | 'production', path: string): Promise<{ status: number; body: string }> {
  const { assets, page } = createGraphiql(runtime(mode), builtDir, scenariosFile).routes;
  const server = createServer((req, res) => {
    const route = req.url === '/graphql' ? page : assets;
    Promise.resolve(route(req, res)).catch((error: HttpError) => {
      res.statusCode = error.status;
      res.end(error.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return { status: response.status, body: await response.text() };
  } finally {
    server.close();
  }
}

describe('createGraphiql', () => {
  it('hands out one dev-key token per demo role in development mode', async () => {
    const { status, body } = await get('development', DEV_TOKENS_PATH);
    expect(status).toBe(200);
    const tokens = JSON.parse(body) as { role: string; token: string }[];
    expect(tokens.map((t) => t.role)).toEqual(DEMO_OFFICERS.map((o) => o.role));
    const jwks = createLocalJWKSet(JSON.parse(readFileSync(devKeyFiles(keysDir).jwksFile, 'utf8')));
    const { payload } = await jwtVerify(tokens[0].token, jwks);
    expect(payload.roles).toEqual(['patrol-officer']);
    // Short-lived: an hour at most.
    expect(decodeJwt(tokens[0].token).exp! - decodeJwt(tokens[0].token).iat!).toBeLessThanOrEqual(3600);
  });

  it("fills the page's examples with the demo data's values in development mode only", async () => {
    const configOf = async (mode: 'development' | 'production') => {
      const { body } = await get(mode, '/graphql');
      return JSON.parse(new RegExp(`id="${PAGE_CONFIG_ELEMENT_ID}">(.*?)</script>`).exec(body)![1]);
    };
    expect((await configOf('development')).demo).toEqual({
      personIdNumber: '321202980212127',
      personNamePrefix: '張*',
      caseId: 'JS:C-2024-000001',
      caseLead: 'JS-0310552',
      plate: '鄂A12345',
    });
    expect((await configOf('production')).demo).toBeNull();
  });

  it('has no dev-token route in production mode', async () => {
    expect((await get('production', DEV_TOKENS_PATH)).status).toBe(404);
  });
});
