import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractManifest, graphqlFiles } from './extract.ts';
import { sha256Hex } from './manifest.ts';

function files(sources: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-extract-'));
  for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('extracting a manifest from .graphql files', () => {
  it('gives each named operation its own document with the fragments it uses, keyed by the hash of its text', () => {
    const dir = files({
      'a.graphql': 'query PersonCard($id: String!) { person(idNumber: $id) { ...Card } }',
      'b.graphql':
        'fragment Card on Person { idNumber records { ...Rec } }\nfragment Rec on PersonRecord { name }\nfragment Unused on Person { sex }',
      'notes.txt': 'ignored',
    });
    const manifest = extractManifest(graphqlFiles([dir]));
    expect(manifest.operations).toHaveLength(1);
    const [document] = manifest.operations;
    expect(document).toMatchObject({ name: 'PersonCard', type: 'query', id: sha256Hex(document.body) });
    expect(document.body).toContain('fragment Card on Person');
    expect(document.body).toContain('fragment Rec on PersonRecord');
    expect(document.body).not.toContain('Unused');
  });

  it('refuses an anonymous operation and a missing fragment, naming the file', () => {
    expect(() => extractManifest(graphqlFiles([files({ 'x.graphql': '{ regions { code } }' })]))).toThrow(
      /x\.graphql: an operation without a name/,
    );
    expect(() => extractManifest(graphqlFiles([files({ 'y.graphql': 'query Q { regions { ...Gone } }' })]))).toThrow(
      /y\.graphql: operation Q uses fragment Gone/,
    );
  });
});
