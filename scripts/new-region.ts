/**
 * `npm run new-region -- --code AH --name "安徽" [--area-prefix 34 …] [--plate 皖 …] [--adapters-dir DIR]`
 *
 * Scaffolds adapters/<code>/ (index.ts exporting createAdapter, codes.ts, a conformance
 * test that fails until the adapter is written) and says what to do next. A bad or
 * already used code is refused with exit code 2 and a message saying why.
 */
import { dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { scaffoldRegion, ScaffoldError } from './lib/scaffold-region.ts';

const USAGE = 'usage: npm run new-region -- --code XX --name "名稱" [--area-prefix 34 …] [--plate 皖 …] [--adapters-dir DIR]';

function fail(message: string): never {
  process.stderr.write(`new-region: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        code: { type: 'string' },
        name: { type: 'string' },
        'area-prefix': { type: 'string', multiple: true },
        plate: { type: 'string', multiple: true },
        'adapters-dir': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.code === undefined) fail('missing --code');
  if (values.name === undefined) fail('missing --name');
  try {
    const files = scaffoldRegion({
      code: values.code,
      name: values.name,
      areaPrefixes: values['area-prefix'],
      plateProvinces: values.plate,
      adaptersDir: values['adapters-dir'],
    });
    const folder = relative(process.cwd(), dirname(files[0]));
    process.stdout.write(
      [
        `scaffolded region ${values.code}:`,
        ...files.map((f) => `  ${relative(process.cwd(), f)}`),
        'next (adapters/README.md has the details):',
        `  1. fill in ${folder}/codes.ts and ${folder}/index.ts`,
        `  2. npx vitest run ${folder}/   (fails until the adapter conforms)`,
        `  3. start it: npm run subgraph -- --region ${values.code} --port N --data .data`,
        `  4. add { "code": "${values.code}", "name": "${values.name}", "url": "http://HOST:N" } to config/regions.json`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    if (error instanceof ScaffoldError) fail(error.message);
    throw error;
  }
}

main();
