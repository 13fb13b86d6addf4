/**
 * `npm run documents -- extract PATH… [--out FILE]`
 *
 * Writes a trusted documents manifest (Apollo's persisted-query-manifest format) of every
 * named operation in the `.graphql` files under PATH, to FILE or stdout. Point the
 * gateway's `trustedDocuments.manifest` at it; the gateway reloads it when it changes.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { extractManifest, graphqlFiles } from '../gateway/trusted-documents/extract.ts';

const USAGE = 'usage: npm run documents -- extract PATH... [--out FILE]';

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
  const [command, ...paths] = positionals;
  if (command !== 'extract' || paths.length === 0) throw new Error(USAGE);
  const files = graphqlFiles(paths);
  if (files.length === 0) throw new Error(`no .graphql or .gql files under ${paths.join(', ')}`);
  const manifest = extractManifest(files);
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text);
    process.stderr.write(`${manifest.operations.length} documents from ${files.length} files → ${values.out}\n`);
  } else {
    process.stdout.write(text);
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`npm run documents: ${(error as Error).message}\n`);
  process.exit(2);
}
