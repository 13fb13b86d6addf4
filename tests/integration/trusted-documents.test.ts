/**
 * Trusted documents over a real gateway on 127.0.0.1: with a manifest in force, a patrol
 * terminal runs registered documents — named by id (GraphQL-over-HTTP `documentId`, or
 * Apollo's persistedQuery hash) or sent as their exact text — and nothing else; an
 * analyst may still send free text; every refusal names the document id, has a stable
 * code and its audit record; the manifest reloads when it changes, and a reload that no
 * longer validates keeps the documents in force.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { extractManifest } from '../../gateway/trusted-documents/extract.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { readJsonLines } from '../support/json-lines.ts';

const REGIONS = 'query RegionList { regions { code name } }';
const STATUS = 'query RegionStatus { regions { code status } }';

let gateway: TestGateway;
let dir: string;
let manifestFile: string;
let patrol: string;
let analyst: string;
let regionsId: string;

function writeManifest(...operations: string[]): string[] {
  const sources = operations.map((text, i) => {
    const file = join(dir, `op${i}.graphql`);
    writeFileSync(file, text);
    return file;
  });
  const manifest = extractManifest(sources);
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return manifest.operations.map((o) => o.id);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'liandong-trusted-'));
  manifestFile = join(dir, 'persisted-query-manifest.json');
  [regionsId] = writeManifest(REGIONS);
  const keysDir = join(dir, 'keys');
  gateway = await startTestGateway({
    config: {
      allowAnonymous: false,
      auth: { keysDir },
      trustedDocuments: { manifest: manifestFile, freeText: { roles: ['analyst'] } },
      limits: { refusalsPerAddress: { max: 1000, windowSeconds: 60 } },
    },
  });
  patrol = await mintDevToken(keysDir, { sub: 'JS-0420017', region: 'JS', roles: ['patrol-officer'], ttlSeconds: 600 });
  analyst = await mintDevToken(keysDir, { sub: 'GZ-0188203', region: 'GZ', roles: ['analyst'], ttlSeconds: 600 });
});

afterAll(async () => {
  await gateway?.close();
});

function auditRecords(): any[] {
  const auditDir = join(gateway.dir, 'audit');
  return readJsonLines(auditDir, /^audit-\d{6}\.jsonl$/).filter((e) => e.type === 'audit');
}

async function post(token: string, body: unknown): Promise<{ status: number; json: any; record: any }> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'patrol-check: roadside' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  const requestId = response.headers.get('x-request-id');
  return { status: response.status, json, record: auditRecords().find((r) => r.auditId === requestId) };
}

describe('with a manifest in force', () => {
  it('runs a registered document named by documentId, and its audit record carries the id', async () => {
    const { status, json, record } = await post(patrol, { documentId: `sha256:${regionsId}` });
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect(json.data.regions).toBeInstanceOf(Array);
    expect(record.operation).toMatchObject({ name: 'RegionList', document: `sha256:${regionsId}`, hash: regionsId });
  });

  it('runs it named by an Apollo persistedQuery hash, by a GET, and sent as its exact text', async () => {
    expect((await post(patrol, { extensions: { persistedQuery: { version: 1, sha256Hash: regionsId } } })).status).toBe(200);
    const get = await fetch(`${gateway.url}?documentId=sha256:${regionsId}`, {
      headers: { authorization: `Bearer ${patrol}`, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    expect((await get.json()).data.regions).toBeInstanceOf(Array);
    const text = JSON.parse(readFileSync(manifestFile, 'utf8')).operations[0].body;
    const sent = await post(patrol, { query: text });
    expect(sent.status).toBe(200);
    expect(sent.record.operation.document).toBe(`sha256:${regionsId}`);
  });

  it('refuses free text from a patrol terminal, naming the document id, with one audit record', async () => {
    const { status, json, record } = await post(patrol, { query: '{ regions { code } }' });
    expect(status).toBe(400);
    expect(json.data).toBeUndefined();
    expect(json.errors).toHaveLength(1);
    expect(json.errors[0].extensions).toMatchObject({
      code: 'TRUSTED_DOCUMENT_REQUIRED',
      documentId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(record).toMatchObject({ errorCodes: ['TRUSTED_DOCUMENT_REQUIRED'], httpStatus: 400 });
    expect(record.operation.document).toBeUndefined();
  });

  it('refuses an unknown document id, naming it, with one audit record', async () => {
    const unknown = 'f'.repeat(64);
    const { status, json, record } = await post(patrol, { documentId: `sha256:${unknown}` });
    expect(status).toBe(400);
    expect(json.errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_NOT_FOUND');
    expect(json.errors[0].message).toContain(`sha256:${unknown}`);
    expect(record).toMatchObject({ errorCodes: ['TRUSTED_DOCUMENT_NOT_FOUND'], httpStatus: 400 });
  });

  it('lets an analyst send free text', async () => {
    const { status, json } = await post(analyst, { query: '{ regions { code } }' });
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
  });

  it('reloads a changed manifest, and keeps the documents in force when the new one does not validate', async () => {
    const [, statusId] = writeManifest(REGIONS, STATUS);
    const loaded = await poll(async () => (await post(patrol, { documentId: `sha256:${statusId}` })).status === 200);
    expect(loaded, 'the new document was not accepted after the manifest changed').toBe(true);

    const [, , brokenId] = writeManifest(REGIONS, STATUS, 'query Broken { regions { noSuchField } }');
    await new Promise((r) => setTimeout(r, 2500)); // two polls of the manifest file
    expect((await post(patrol, { documentId: `sha256:${brokenId}` })).json.errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_NOT_FOUND');
    expect((await post(patrol, { documentId: `sha256:${statusId}` })).status).toBe(200);
    expect((await post(patrol, { documentId: `sha256:${regionsId}` })).status).toBe(200);
  });
});

async function poll(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
