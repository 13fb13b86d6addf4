/**
 * Small validators for configuration files.
 *
 * Every check takes the value and the place it came from (`config/regions.json:
 * regions[1].url`) so a bad setting is reported where the operator can find it, with
 * what was found and what was expected. Validation is plain code rather than a schema
 * library: the messages are the product here, and they stay in our words.
 */

export class ConfigError extends Error {
  constructor(
    readonly at: string,
    readonly problem: string,
  ) {
    super(`${at}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** A location inside a configuration file, e.g. `config/gateway.json: server.port`. */
export class ConfigPath {
  constructor(
    readonly file: string,
    private readonly segments: string = '',
  ) {}

  key(name: string): ConfigPath {
    return new ConfigPath(this.file, this.segments ? `${this.segments}.${name}` : name);
  }

  index(i: number): ConfigPath {
    return new ConfigPath(this.file, `${this.segments}[${i}]`);
  }

  toString(): string {
    return this.segments ? `${this.file}: ${this.segments}` : this.file;
  }

  /** The same setting, taken from an environment variable that overrides the file. */
  envOverride(variable: string): ConfigPath {
    return new EnvPath(variable, this.toString());
  }

  fail(problem: string): never {
    throw new ConfigError(this.toString(), problem);
  }
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export type Obj = Record<string, unknown>;

export function object(value: unknown, at: ConfigPath): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    at.fail(`expected an object, got ${describe(value)}`);
  }
  return value as Obj;
}

/** Refuses keys nobody reads: a typo (`timeoutMS`) must not silently fall back to a default. */
export function onlyKeys(obj: Obj, allowed: readonly string[], at: ConfigPath): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) at.key(key).fail(`unknown setting (expected one of: ${allowed.join(', ')})`);
  }
}

export function array(value: unknown, at: ConfigPath): unknown[] {
  if (!Array.isArray(value)) at.fail(`expected an array, got ${describe(value)}`);
  return value;
}

export function string(value: unknown, at: ConfigPath, pattern?: { re: RegExp; what: string }): string {
  if (typeof value !== 'string' || value.length === 0) at.fail(`expected a non-empty string, got ${describe(value)}`);
  if (pattern && !pattern.re.test(value)) at.fail(`expected ${pattern.what}, got ${describe(value)}`);
  return value;
}

export function boolean(value: unknown, at: ConfigPath): boolean {
  if (typeof value !== 'boolean') at.fail(`expected true or false, got ${describe(value)}`);
  return value;
}

export function integer(value: unknown, at: ConfigPath, range: { min?: number; max?: number } = {}): number {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    at.fail(`expected an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], at: ConfigPath): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    at.fail(`expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function httpUrl(value: unknown, at: ConfigPath): string {
  const text = typeof value === 'string' ? value : '';
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    at.fail(`expected an http(s) URL, got ${describe(value)}`);
  }
  return text.replace(/\/+$/, '');
}

/** `value` when present, else `fallback`; absence is not an error for optional settings. */
export function optional<T>(value: unknown, fallback: T, check: (v: unknown) => T): T {
  return value === undefined ? fallback : check(value);
}

class EnvPath extends ConfigPath {
  constructor(
    private readonly variable: string,
    private readonly overrides: string,
  ) {
    super(overrides);
  }

  override toString(): string {
    return `environment variable ${this.variable} (overrides ${this.overrides})`;
  }
}

/** A Redis URL: `redis://` or `rediss://` and an address. */
export function redisUrl(value: unknown, at: ConfigPath): string {
  const text = string(value, at);
  if (!/^rediss?:\/\/\S+$/.test(text)) at.fail(`expected a redis:// or rediss:// URL, got ${JSON.stringify(text)}`);
  return text;
}

/**
 * The Redis settings a section shares with its siblings (cache, limits): `redisUrl`, else
 * the REDIS_URL environment variable (one Redis for the whole deployment), and `store`,
 * "redis" by default when a URL is known and "memory" otherwise. "redis" without a URL
 * fails naming the section's setting and both ways to give one.
 */
export function redisStore(
  obj: Record<string, unknown>,
  at: ConfigPath,
  env: Readonly<Record<string, string | undefined>>,
  section: string,
): { redisUrl: string | null; store: 'memory' | 'redis' } {
  const url =
    obj.redisUrl !== undefined
      ? redisUrl(obj.redisUrl, at.key('redisUrl'))
      : env.REDIS_URL
        ? redisUrl(env.REDIS_URL, at.key('redisUrl').envOverride('REDIS_URL'))
        : null;
  const store = optional(obj.store, url ? 'redis' : 'memory', (v) => oneOf(v, ['memory', 'redis'] as const, at.key('store')));
  if (store === 'redis' && !url)
    at.key('store').fail(`"redis" needs a Redis URL: set ${section}.redisUrl or the REDIS_URL environment variable`);
  return { redisUrl: url, store };
}
