/**
 * /metrics and the request log, over the real system: three regional subgraphs behind
 * an in-process gateway whose pino log is captured. Scrapes /metrics after a
 * cross-region query, a refused query and an invalid one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { loadConfig } from '../../gateway/config/load.ts';
import { createGateway, type RunningGateway } from '../../gateway/server.ts';
import { writeJson } from '../support/gateway.ts';
import { REGION_CODES, seedData, startSystem, type System } from '../support/system.ts';

let system: System;
let gateway: RunningGateway;
let dataDir: string;
let dir: string;
const logLines: Record<string, any>[] = [];

beforeAll(async () => {
  dataDir = await seedData();
  system = await startSystem({ dataDir });
  dir = mkdtempSync(join(tmpdir(), 'liandong-metrics-'));
  writeJson(join(dir, 'regions.json'), {
    regions: REGION_CODES.map((code) => ({ code, name: code, url: system.regions[code].subgraphUrl, timeoutMs: 2000 })),
  });
  writeJson(join(dir, 'gateway.json'), {
    mode: 'development',
    server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 500 },
    regions: join(dir, 'regions.json'),
    audit: { dir: join(dir, 'audit') },
    // Registered: labelled from the first request. Other names need three distinct officers.
    metrics: { operationNames: ['CrossRegionPerson'] },
  });
  const config = loadConfig(join(dir, 'gateway.json'), { LIANDONG_KEYS_DIR: keysDir() });
  gateway = await createGateway(config, { logger: capturingLogger() });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

function keysDir(): string {
  return join(system.configDir, 'keys');
}

function capturingLogger() {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  return pino({ level: 'info' }, sink);
}

async function post(body: unknown, authorization?: string): Promise<{ status: number; json: any; requestId: string | null }> {
  const token = await mintDevToken(keysDir(), { sub: 'TEST-METRICS', region: 'JS', roles: ['investigator'], ttlSeconds: 300 });
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: authorization ?? `Bearer ${token}`,
      'x-purpose': 'patrol-check: metrics test',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json(), requestId: response.headers.get('x-request-id') };
}

async function scrape(): Promise<string> {
  const response = await fetch(new URL('/metrics', gateway.url));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The value of one sample line, e.g. `name{a="b"}`; labels in the order prom-client writes them. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const PERSON = `query CrossRegionPerson($id: String!) { person(idNumber: $id) { idNumber regions records { region name } } }`;

describe('GET /metrics', () => {
  let text: string;
  let personResponse: Awaited<ReturnType<typeof post>>;
  let refused: Awaited<ReturnType<typeof post>>;

  beforeAll(async () => {
    personResponse = await post({ query: PERSON, variables: { id: system.scenarios.personInAllRegions.idNumber } });
    await post({ query: '{ noSuchField }' });
    await post({ query: 'query Broken { person(idNumber: "123") { idNumber } }' });
    for (let i = 0; i < 5; i++) await post({ query: `query Junk${i} { regions { code } }` });
    refused = await post({ query: '{ regions { code } }' }, 'Bearer not-a-jwt');
    text = await scrape();
  });

  it('answered the cross-region query from three regions', () => {
    expect(personResponse.status).toBe(200);
    expect(personResponse.json.data.person.regions).toEqual(expect.arrayContaining(['JS', 'GZ', 'HB']));
  });

  it('counts requests by operation name and outcome', () => {
    expect(sample(text, 'liandong_graphql_requests_total{operation="CrossRegionPerson",outcome="answered"}')).toBe(1);
    expect(sample(text, 'liandong_graphql_requests_total{operation="anonymous",outcome="invalid"}')).toBe(1);
    // One officer's unregistered names share the `other` label: they cannot fill the label slots.
    expect(sample(text, 'liandong_graphql_requests_total{operation="Broken",outcome="invalid"}')).toBeUndefined();
    expect(sample(text, 'liandong_graphql_requests_total{operation="other",outcome="invalid"}')).toBe(1);
    expect(sample(text, 'liandong_graphql_requests_total{operation="other",outcome="answered"}')).toBe(5);
    expect(text).not.toMatch(/operation="Junk\d"/);
  });

  it('counts requests refused before GraphQL ran, by their code', () => {
    expect(refused.status).toBe(401);
    expect(sample(text, 'liandong_graphql_requests_total{operation="anonymous",outcome="unauthenticated"}')).toBe(1);
    expect(sample(text, 'liandong_graphql_errors_total{code="UNAUTHENTICATED"}')).toBe(1);
  });

  it('has a latency histogram per operation', () => {
    expect(sample(text, 'liandong_graphql_request_duration_seconds_count{operation="CrossRegionPerson"}')).toBe(1);
    expect(sample(text, 'liandong_graphql_request_duration_seconds_bucket{le="+Inf",operation="CrossRegionPerson"}')).toBe(1);
  });

  it('has a fetch latency histogram per region', () => {
    for (const region of REGION_CODES) {
      const counts = text
        .split('\n')
        .filter((l) => l.startsWith('liandong_region_fetch_duration_seconds_count{') && l.includes(`region="${region}"`));
      expect(counts.length, `no fetch latency series for region ${region}`).toBeGreaterThan(0);
    }
  });

  it('counts errors by extensions.code', () => {
    expect(sample(text, 'liandong_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
    expect(sample(text, 'liandong_graphql_errors_total{code="BAD_USER_INPUT"}')).toBeGreaterThanOrEqual(1);
  });

  it('includes the audit, cache and process figures', () => {
    expect(sample(text, 'liandong_audit_records_written_total')).toBeGreaterThanOrEqual(3);
    expect(text).toContain('# TYPE liandong_cache_hits_total counter');
    expect(text).toMatch(/^liandong_cache_misses_total\{type="[^"]+"\} \d+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('logs one JSON line per request carrying its request (audit) id', () => {
    const line = logLines.find((l) => l.msg === 'graphql request' && l.operation === 'CrossRegionPerson');
    expect(line).toBeDefined();
    expect(line!.requestId).toBe(personResponse.requestId);
    expect(line!.auditId).toBe(personResponse.json.extensions.auditId);
    expect(line!.outcome).toBe('answered');
    expect(line!.regions.map((r: string) => r.split('/')[0])).toEqual(expect.arrayContaining(['JS', 'GZ', 'HB']));
    // Variables are personal data: they go to the audit log, never to the operator's log.
    expect(JSON.stringify(line)).not.toContain(system.scenarios.personInAllRegions.idNumber);
  });

  it('logs refused requests with their request id too', () => {
    const line = logLines.find((l) => l.msg === 'request refused before GraphQL' && l.requestId === refused.requestId);
    expect(line).toMatchObject({ outcome: 'unauthenticated', status: 401, errorCodes: ['UNAUTHENTICATED'] });
  });
});
