/**
 * The `audit` section of `config/gateway.json`, with AUDIT_* environment overrides:
 * where records go (files or Redis Streams), rotation, checkpoint cadence, group-commit
 * tuning, and the query index. Validated at start-up; a bad setting is named with what
 * was found and what was expected.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { ConfigPath, integer, object, oneOf, onlyKeys, optional, string } from '../config/check.ts';
import { section, type SectionContext } from '../config/section.ts';

export interface AuditConfig {
  /** 'off' exists for measuring the audit's cost (`npm run bench`); refused in production mode. */
  sink: 'file' | 'redis' | 'off';
  /** Directory of the file sink's segments, checkpoints and operation texts. */
  dir: string;
  maxFileBytes: number;
  redisUrl: string | null;
  /** Names this gateway's chain; must stay the same across restarts of one instance. */
  instance: string;
  /** Where the Ed25519 checkpoint key lives (`audit-ed25519.pem`, `.pub.pem`). */
  keyDir: string;
  checkpointEvery: number;
  /** 0 disables the timer (checkpoints then come every N records and on shutdown). */
  checkpointIntervalMs: number;
  /** How long an idle writer waits to gather a batch (0: the next event-loop turn). */
  commitDelayMs: number;
  maxBatch: number;
  /** SQLite query index; null disables the auditor queries. */
  indexPath: string | null;
}

const KEYS = [
  'sink',
  'dir',
  'maxFileBytes',
  'redisUrl',
  'instance',
  'keysDir',
  'checkpointEvery',
  'checkpointSeconds',
  'commitDelayMs',
  'maxBatch',
  'index',
] as const;
const INSTANCE = { re: /^[A-Za-z0-9._:-]{1,100}$/, what: "1–100 letters, digits, '.', '_', ':' or '-'" };
const REDIS_URL = { re: /^rediss?:\/\/\S+$/, what: 'a redis:// or rediss:// URL' };

export const auditSection = section({
  key: 'audit',
  validate(raw, at, context): AuditConfig {
    const obj = raw === undefined ? {} : object(raw, at);
    onlyKeys(obj, KEYS, at);
    const get = settingReader(obj, at, context);
    const dir = get('dir', 'AUDIT_DIR', '.data/audit', (v, p) => resolve(context.dir, string(v, p)));
    const config: AuditConfig = {
      sink: get('sink', 'AUDIT_SINK', 'file', (v, p) => oneOf(v, ['file', 'redis', 'off'] as const, p)),
      dir,
      maxFileBytes: get('maxFileBytes', 'AUDIT_MAX_FILE_BYTES', 64 * 1024 * 1024, (v, p) => integer(v, p, { min: 4096 })),
      redisUrl: get('redisUrl', 'AUDIT_REDIS_URL', null as string | null, (v, p) => string(v, p, REDIS_URL)),
      instance: get('instance', 'AUDIT_INSTANCE', hostname(), (v, p) => string(v, p, INSTANCE)),
      keyDir: get('keysDir', 'AUDIT_KEY_DIR', resolve('.data/keys'), (v, p) => resolve(context.dir, string(v, p))),
      checkpointEvery: get('checkpointEvery', 'AUDIT_CHECKPOINT_EVERY', 1000, (v, p) => integer(v, p, { min: 1 })),
      checkpointIntervalMs:
        get('checkpointSeconds', 'AUDIT_CHECKPOINT_SECONDS', 60, (v, p) => integer(v, p, { min: 0, max: 86_400 })) * 1000,
      commitDelayMs: get('commitDelayMs', 'AUDIT_COMMIT_DELAY_MS', 0, (v, p) => integer(v, p, { min: 0, max: 100 })),
      maxBatch: get('maxBatch', 'AUDIT_MAX_BATCH', 1024, (v, p) => integer(v, p, { min: 1, max: 100_000 })),
      indexPath: get('index', 'AUDIT_INDEX', resolve(dir, 'index.sqlite') as string | null, (v, p) =>
        v === 'off' ? null : resolve(context.dir, string(v, p)),
      ),
    };
    if (config.sink === 'off' && context.mode === 'production')
      at.key('sink').fail(
        '"off" is for benchmarks in development mode; production must audit every operation (expected "file" or "redis")',
      );
    if (config.sink === 'redis' && !config.redisUrl)
      at.key('redisUrl').fail('sink is "redis" but no redisUrl (or AUDIT_REDIS_URL) is set; expected a redis:// URL');
    return config;
  },
});

type Check<T> = (value: unknown, at: ConfigPath) => T;

/** A setting from the file, unless its environment variable overrides it. */
function settingReader(obj: Record<string, unknown>, at: ConfigPath, context: SectionContext) {
  return <T>(key: (typeof KEYS)[number], variable: string, fallback: T, check: Check<T>): T => {
    const fromEnv = context.env[variable];
    if (fromEnv !== undefined && fromEnv !== '')
      return check(/^-?\d+$/.test(fromEnv) ? Number(fromEnv) : fromEnv, at.key(key).envOverride(variable));
    return optional(obj[key], fallback, (v) => check(v, at.key(key)));
  };
}

/** The audit settings from the environment alone (CLI, child processes, tests), plus overrides. */
export function loadAuditConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<AuditConfig> = {},
): AuditConfig {
  const config = auditSection.validate(undefined, new ConfigPath('audit settings'), { mode: 'development', env, dir: process.cwd() });
  return { ...config, ...overrides };
}
