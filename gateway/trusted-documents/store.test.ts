/**
 * Loading a manifest does the whole preparation: each document parsed, validated and
 * authorisation-planned by the real authoriser against the schema in force. A reload
 * holding a document that cannot be planned fails naming it, and the documents in force
 * stay, with their plans.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildSchema } from 'graphql';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Authoriser } from '../authorisation/authoriser.ts';
import { AUTHORISATION_DEFAULTS } from '../authorisation/config.ts';
import { MANIFEST_FORMAT, sha256Hex } from './manifest.ts';
import { DocumentStore } from './store.ts';

const schema = buildSchema('type Query { regions: [String!]! }');
const REGIONS = 'query Regions { regions }';
// Valid by graphql 16's rules (they do not check the root type exists), yet no caller can run it.
const MUTATION = 'mutation Rename { regions }';

function manifest(...bodies: string[]): string {
  const operations = bodies.map((body) => ({ id: sha256Hex(body), name: /(?:query|mutation) (\w+)/.exec(body)?.[1], type: 'query', body }));
  return JSON.stringify({ format: MANIFEST_FORMAT, version: 1, operations });
}

function manifestFile(...bodies: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'liandong-store-')), 'manifest.json');
  writeFileSync(file, manifest(...bodies));
  return file;
}

function logged() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

let store: DocumentStore | undefined;
afterEach(() => store?.close());

describe('the trusted documents store', () => {
  const authoriser = () => new Authoriser(schema, {}, AUTHORISATION_DEFAULTS, async () => new Map());

  it('plans every registered document when the schema is loaded, before any request', () => {
    const file = manifestFile(REGIONS);
    const planner = authoriser();
    store = new DocumentStore(file, logged().logger, (docs) => planner.prepare(docs), 60_000);
    expect(planner.preparedHashes()).toEqual(new Set());
    store.schemaChanged(schema);
    expect(planner.preparedHashes()).toEqual(new Set([sha256Hex(REGIONS)]));
  });

  it('fails a reload holding a document that cannot be planned, naming it; the old documents and plans stay', () => {
    const file = manifestFile(REGIONS);
    const planner = authoriser();
    const { logger, lines } = logged();
    store = new DocumentStore(file, logger, (docs) => planner.prepare(docs), 60_000);
    store.schemaChanged(schema);

    writeFileSync(file, manifest(REGIONS, MUTATION));
    expect(store.reload('test')).toBe(false);

    const failure = lines.find((l) => l.msg === 'trusted documents not reloaded; the documents in force stay');
    expect(failure?.err).toMatch(
      /document Rename \(sha256:[0-9a-f]{64}\) cannot be authorised: it is a mutation, and this graph has no mutations/,
    );
    expect(store.get(sha256Hex(REGIONS))?.name).toBe('Regions');
    expect(store.get(sha256Hex(MUTATION))).toBeUndefined();
    expect(planner.preparedHashes()).toEqual(new Set([sha256Hex(REGIONS)]));
  });
});
