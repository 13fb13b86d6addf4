/**
 * What a configuration section is: one top-level key of `config/gateway.json` and the
 * function that validates it. Each concern (server, auth, limits, audit, cache…) owns
 * its section and its validator; `sections.ts` lists them all in one place.
 */
import type { ConfigPath } from './check.ts';

export type Mode = 'development' | 'production';

/** What a validator may consult besides its own raw value. */
export interface SectionContext {
  /** Already validated: sections may refuse development-only settings in production. */
  mode: Mode;
  /** Process environment, for the documented overrides (PORT, LIANDONG_*). */
  env: Readonly<Record<string, string | undefined>>;
  /** Directory of the config file: relative paths in a section are resolved against it. */
  dir: string;
}

export interface ConfigSection<K extends string = string, T = unknown> {
  key: K;
  /** `raw` is undefined when the file omits the section: return its defaults then. */
  validate(raw: unknown, at: ConfigPath, context: SectionContext): T;
}

/** Keeps the key's literal type so `GatewayConfig` can be derived from the list. */
export function section<K extends string, T>(definition: ConfigSection<K, T>): ConfigSection<K, T> {
  return definition;
}
