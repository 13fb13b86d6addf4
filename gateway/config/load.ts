/**
 * Reads and validates `config/gateway.json` (or the file `LIANDONG_CONFIG` names).
 *
 * Validation happens once, at start: a bad setting stops the gateway with a message
 * naming the file, the setting, what was found and what was expected, rather than
 * surfacing later as a confusing runtime failure.
 */
import { dirname, resolve } from 'node:path';
import { object, type ConfigPath } from './check.ts';
import { readJsonFile } from './json-file.ts';
import { validateMode } from './core.ts';
import { SECTIONS, type GatewayConfig } from './sections.ts';
import type { SectionContext } from './section.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_CONFIG_FILE = 'config/gateway.json';

/** The config file to read: an explicit path, else `LIANDONG_CONFIG`, else the default. */
export function configFile(explicit: string | undefined, env: Env): string {
  return resolve(explicit ?? env.LIANDONG_CONFIG ?? DEFAULT_CONFIG_FILE);
}

export function loadConfig(path: string | undefined, env: Env = process.env): GatewayConfig {
  const file = configFile(path, env);
  const { raw, at } = readJsonFile(file);
  return validateConfig(raw, at, { env, dir: dirname(file) }, file);
}

/** Validates an already-parsed config object; exposed for tests and for embedding. */
export function validateConfig(raw: unknown, at: ConfigPath, base: Omit<SectionContext, 'mode'>, file: string): GatewayConfig {
  const obj = object(raw, at);
  const known = SECTIONS.map((s) => s.key as string);
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) at.key(key).fail(`unknown section (expected one of: ${known.join(', ')})`);
  }
  const context: SectionContext = { ...base, mode: validateMode(obj.mode, at.key('mode')) };
  const config: Record<string, unknown> = { file };
  for (const s of SECTIONS) config[s.key] = s.validate(obj[s.key], at.key(s.key), context);
  return config as GatewayConfig;
}
