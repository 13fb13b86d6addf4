/**
 * Audit settings, read from the environment and validated at start-up with messages
 * that name the bad setting.
 */
import { hostname } from 'node:os';

export interface AuditConfig {
  sink: 'file' | 'redis';
  /** Directory of the file sink's segments, checkpoints and operation texts. */
  dir: string;
  maxFileBytes: number;
  redisUrl: string | null;
  /** Names this gateway's chain; must stay the same across restarts of one instance. */
  instance: string;
  keyDir: string;
  checkpointEvery: number;
  checkpointIntervalMs: number;
  commitDelayMs: number;
  maxBatch: number;
  /** SQLite query index; null disables the auditor queries. */
  indexPath: string | null;
}

export const DEFAULT_AUDIT_CONFIG: AuditConfig = {
  sink: 'file',
  dir: '.data/audit',
  maxFileBytes: 64 * 1024 * 1024,
  redisUrl: null,
  instance: hostname(),
  keyDir: '.data/keys',
  checkpointEvery: 1000,
  checkpointIntervalMs: 60_000,
  commitDelayMs: 0,
  maxBatch: 1024,
  indexPath: '.data/audit/index.sqlite',
};

type Env = Record<string, string | undefined>;

export function loadAuditConfig(env: Env = process.env, overrides: Partial<AuditConfig> = {}): AuditConfig {
  const d = DEFAULT_AUDIT_CONFIG;
  const config: AuditConfig = {
    sink: oneOf(env, 'AUDIT_SINK', ['file', 'redis'] as const, d.sink),
    dir: env.AUDIT_DIR ?? d.dir,
    maxFileBytes: integer(env, 'AUDIT_MAX_FILE_BYTES', d.maxFileBytes, 4096),
    redisUrl: env.AUDIT_REDIS_URL ?? env.REDIS_URL ?? d.redisUrl,
    instance: env.AUDIT_INSTANCE ?? d.instance,
    keyDir: env.AUDIT_KEY_DIR ?? d.keyDir,
    checkpointEvery: integer(env, 'AUDIT_CHECKPOINT_EVERY', d.checkpointEvery, 1),
    checkpointIntervalMs: integer(env, 'AUDIT_CHECKPOINT_SECONDS', d.checkpointIntervalMs / 1000, 0) * 1000,
    commitDelayMs: integer(env, 'AUDIT_COMMIT_DELAY_MS', d.commitDelayMs, 0),
    maxBatch: integer(env, 'AUDIT_MAX_BATCH', d.maxBatch, 1),
    indexPath: env.AUDIT_INDEX === 'off' ? null : env.AUDIT_INDEX ?? d.indexPath,
    ...overrides,
  };
  return validate(config);
}

function validate(config: AuditConfig): AuditConfig {
  if (config.sink === 'redis' && !config.redisUrl) {
    throw new Error('AUDIT_SINK is "redis" but neither AUDIT_REDIS_URL nor REDIS_URL is set; expected a redis:// URL');
  }
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(config.instance)) {
    throw new Error(`AUDIT_INSTANCE is "${config.instance}"; expected 1–100 letters, digits, '.', '_', ':' or '-'`);
  }
  return config;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${name} is "${value}"; expected one of ${allowed.join(', ')}`);
  return value as T;
}

function integer(env: Env, name: string, fallback: number, min: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} is "${value}"; expected an integer ≥ ${min}`);
  return n;
}
