import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ConfigPath } from '../config/check.ts';
import { validateTrustedDocumentsConfig } from './config.ts';
import { MANIFEST_FORMAT, readManifest, sha256Hex } from './manifest.ts';

const schema = buildSchema('type Query { regions: [String!]! }');
const body = 'query R { regions }';
const manifest = (operations: unknown[]) => JSON.stringify({ format: MANIFEST_FORMAT, version: 1, operations });

describe('a trusted documents manifest', () => {
  it('lists its documents by id, with name and type', () => {
    const documents = readManifest('m.json', manifest([{ id: sha256Hex(body), name: 'R', type: 'query', body }]), schema);
    expect(documents.get(sha256Hex(body))).toEqual({ id: sha256Hex(body), name: 'R', type: 'query', body });
  });

  it('refuses an id that is not the hash of its body, naming the entry', () => {
    expect(() => readManifest('m.json', manifest([{ id: 'a'.repeat(64), name: 'R', type: 'query', body }]), schema)).toThrow(
      /operations\[0\] \(R\): id is not the SHA-256 of its body/,
    );
  });

  it('refuses a document the schema no longer validates, naming it and the problem', () => {
    const stale = 'query Old { gone }';
    expect(() => readManifest('m.json', manifest([{ id: sha256Hex(stale), name: 'Old', type: 'query', body: stale }]), schema)).toThrow(
      /operations\[0\] \(Old\): no longer valid against the supergraph: Cannot query field "gone"/,
    );
  });

  it('refuses another format, and a document with two operations', () => {
    expect(() => readManifest('m.json', '{"operations": []}', schema)).toThrow(/expected \{"format": "apollo-persisted-query-manifest"/);
    const two = 'query A { regions } query B { regions }';
    expect(() => readManifest('m.json', manifest([{ id: sha256Hex(two), name: 'A', type: 'query', body: two }]), schema)).toThrow(
      /holds 2 operations/,
    );
  });
});

describe('the trustedDocuments config section', () => {
  const at = new ConfigPath('config/gateway.json').key('trustedDocuments');
  it('is off by default, with free text for analysts once a manifest is set', () => {
    expect(validateTrustedDocumentsConfig(undefined, at, '/etc/liandong')).toEqual({
      manifest: null,
      freeText: { roles: ['analyst'], clients: [] },
    });
    expect(validateTrustedDocumentsConfig({ manifest: 'docs.json' }, at, '/etc/liandong').manifest).toBe('/etc/liandong/docs.json');
  });

  it('names the setting that is wrong', () => {
    expect(() => validateTrustedDocumentsConfig({ freeText: { roles: ['bad role!'] } }, at, '/')).toThrow(
      /trustedDocuments\.freeText\.roles\[0\]/,
    );
    expect(() => validateTrustedDocumentsConfig({ manifests: 'x' }, at, '/')).toThrow(/manifests/);
  });
});
