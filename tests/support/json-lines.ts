/** Every record of the JSON-lines files in `dir` whose names match `pattern`, files in name order (a log's segments). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readJsonLines(dir: string, pattern: RegExp): any[] {
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    );
}
