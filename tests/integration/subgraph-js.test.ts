/**
 * The JS subgraph as a real process (`subgraphs/main.ts --region JS`) over generated
 * data, queried over HTTP the way the gateway queries it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/children.ts';
import { startProcess, stopAll, type TestProcess } from '../support/processes.ts';
import { loadInternalSigningKey } from '../../common/security/internal-keys.ts';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../../common/security/internal-token.ts';
import type { SigningKey } from '../../common/security/key-files.ts';

let dataDir: string;
let subgraph: TestProcess;
let scenarios: any;
let gatewayKey: SigningKey;

/** An investigator of JS, as the gateway would sign for them: subgraphs accept nothing else. */
const INVESTIGATOR = {
  sub: 'JS-TEST-1',
  name: 'Test',
  region: 'JS',
  roles: ['investigator'],
  anonymous: false,
  scopes: ['person:read', 'case:read', 'case:details', 'vehicle:read', 'wanted:read'],
};

async function gql(part: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const body = JSON.stringify({ query, variables });
  const token = signInternalToken(gatewayKey, {
    region: 'JS',
    part,
    body,
    caller: INVESTIGATOR,
    purpose: { code: 'analysis', text: 'test', caseRef: null },
    requestId: `test-${Math.random()}`,
    ttlSeconds: 15,
  });
  const response = await fetch(`${subgraph.url}/${part}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: token },
    body,
  });
  return response.json();
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'liandong-subgraph-js-'));
  execFileSync('npm', ['run', '--silent', 'seed', '--', '--data', dataDir, '--persons', '200', '--regions', 'JS', '--quiet'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  scenarios = JSON.parse(readFileSync(join(dataDir, 'scenarios.json'), 'utf8'));
  const keysDir = join(dataDir, 'keys');
  gatewayKey = await loadInternalSigningKey(keysDir);
  subgraph = await startProcess({
    name: 'subgraph JS',
    file: 'subgraphs/main.ts',
    args: ['--region', 'JS', '--port', '0', '--data', dataDir],
    env: { LIANDONG_KEYS_DIR: keysDir },
  });
});

afterAll(async () => {
  await stopAll();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('JS subgraph process', () => {
  it('announces itself on one line and answers /healthz', async () => {
    expect(subgraph.output()).toMatch(/^subgraph JS listening on http:\/\/127\.0\.0\.1:\d+$/m);
    const health = await fetch(`${subgraph.url}/healthz`);
    expect(health.status).toBe(200);
    const body = await health.text();
    expect(JSON.parse(body)).toMatchObject({ status: 'ok', region: 'JS' });
    // Answered without a token: the database's path is the operator's business, not the caller's.
    expect(body).not.toContain(dataDir);
  });

  it('refuses unsigned requests, to the contract parts and to the change stream alike', async () => {
    for (const [path, init] of [
      ['/index', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }],
      ['/changes', {}],
    ] as const) {
      const response = await fetch(`${subgraph.url}${path}`, init);
      expect(response.status).toBe(401);
      expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('finds a person by the 15- or the 18-digit number alike', async () => {
    const { idNumber, legacyIdNumber, recordIds } = scenarios.personInAllRegions;
    const query = `query($n: String!) { person(idNumber: $n) { idNumber regions records { id } } }`;
    const by18 = await gql('index', query, { n: idNumber });
    const by15 = await gql('index', query, { n: legacyIdNumber });
    expect(by18).toEqual({ data: { person: { idNumber, regions: ['JS'], records: [{ id: recordIds.JS }] } } });
    expect(by15).toEqual(by18);
  });

  it('serves the cross-region case with its suspect and vehicle as keys for other regions', async () => {
    const { caseId, suspectIdNumber, plate } = scenarios.crossRegionCase;
    const { data, errors } = await gql(
      'records',
      `query($id: ID!) { case(id: $id) {
      id region type parties { role person { idNumber } } vehicles { plate } } }`,
      { id: caseId },
    );
    expect(errors).toBeUndefined();
    expect(data.case).toMatchObject({ id: caseId, region: 'JS' });
    expect(data.case.parties).toContainEqual({ role: 'SUSPECT', person: { idNumber: suspectIdNumber } });
    expect(data.case.vehicles).toContainEqual({ plate });
  });

  it('resolves entity references of person records, and null for another region’s ids', async () => {
    const { recordIds, idNumber } = scenarios.personInAllRegions;
    const { data } = await gql(
      'records',
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on PersonRecord { id idNumber person { idNumber } } } }`,
      {
        reps: [
          { __typename: 'PersonRecord', id: recordIds.JS },
          { __typename: 'PersonRecord', id: recordIds.GZ },
        ],
      },
    );
    expect(data._entities).toEqual([{ id: recordIds.JS, idNumber, person: { idNumber } }, null]);
  });

  it('knows a person wanted elsewhere only by the local record: not wanted here', async () => {
    const { idNumber, jsRecordId } = scenarios.wantedInHb;
    const { data } = await gql('index', `{ person(idNumber: "${idNumber}") { records { id } wantedNotices { id } wanted } }`);
    expect(data.person).toEqual({ records: [{ id: jsRecordId }], wantedNotices: [], wanted: false });
  });

  it('pages a search with the adapter’s cursors: two pages equal one larger page', async () => {
    const query = `query($after: String, $first: Int) { searchCases(filter: { reportedFrom: "1990-01-01" }, first: $first, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount } }`;
    const whole = (await gql('search', query, { first: 10 })).data.searchCases;
    const page1 = (await gql('search', query, { first: 5 })).data.searchCases;
    const page2 = (await gql('search', query, { first: 5, after: page1.pageInfo.endCursor })).data.searchCases;
    expect(whole.edges).toHaveLength(10);
    expect([...page1.edges, ...page2.edges]).toEqual(whole.edges);
    expect(page1.totalCount).toBe(whole.totalCount);
  });

  it('refuses a mistyped number with BAD_USER_INPUT naming the problem', async () => {
    const { errors } = await gql('index', `{ person(idNumber: "32120219980212127") { idNumber } }`);
    expect(errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'idNumber', reason: 'length' });
  });

  it('stops cleanly on SIGTERM', async () => {
    await subgraph.stop();
    expect(subgraph.child.exitCode).toBe(0);
  });
});
