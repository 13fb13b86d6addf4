/**
 * Reading a JSON configuration file (the gateway's own, the regions file): unreadable or
 * malformed files fail naming the file. Apart from load.ts, which assembles every
 * section, so that a concern reading its own file (registry/) needs nothing that knows
 * the other concerns.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ConfigPath } from './check.ts';

/** Parses a JSON config file; unreadable or malformed files fail naming the file. */
export function readJsonFile(file: string): { raw: unknown; at: ConfigPath } {
  const at: ConfigPath = new ConfigPath(displayName(file));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    at.fail(`cannot read the file (${(error as Error).message})`);
  }
  try {
    return { raw: JSON.parse(text), at };
  } catch (error) {
    at.fail(`not valid JSON (${(error as Error).message})`);
  }
}

/** Paths in messages are relative to the working directory when inside it: shorter, still findable. */
export function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || rel === '' ? file : rel;
}
