/**
 * Assembles the gateway's audit log from its configuration: the sink (files or Redis
 * Streams), signing keys, operation-text store, query index and witnesses. This is the
 * one place the gateway core calls; everything else takes its parts as arguments.
 */
import { createClient } from 'redis';
import type { Chained } from '../../common/log/chain.ts';
import type { AuditConfig } from './config.ts';
import { FileSink, type SinkFs } from '../../common/log/file-sink.ts';
import { AuditIndexThread } from './index-thread.ts';
import { loadOrCreateAuditKeys } from '../../common/log/keys.ts';
import { ChainedLog, type Logger, type Witness } from '../../common/log/log.ts';
import { listSegments, operationsFilePath, readSegment, type LogLayout } from '../../common/log/log-files.ts';
import type { AuditMetrics } from '../../common/log/metrics.ts';
import { FileOperationStore, type OperationStore } from './operations-store.ts';
import { gapRecord } from '../../common/log/gap.ts';
import type { AuditEntryBody } from './record.ts';
import { RedisOperationStore } from './redis-operations.ts';
import { readStream, RedisStreamSink, type RedisClient } from './redis-sink.ts';
import type { AuditSink } from '../../common/log/sink.ts';

export type AuditLog = ChainedLog<AuditEntryBody>;

export interface AuditServices {
  log: AuditLog;
  operations: OperationStore;
  /** The auditors' query index, on its own thread; null when disabled (AUDIT_INDEX=off). */
  index: AuditIndexThread | null;
  /** Flush, checkpoint and release everything (call on shutdown). */
  close(): Promise<void>;
}

export interface AuditDeps {
  logger?: Logger;
  witnesses?: Witness[] | (() => readonly Witness[]);
  metrics?: AuditMetrics;
  /** File-sink fs layer (tests inject failures through it). */
  fs?: SinkFs;
  /** A Redis client to use instead of connecting to config.redisUrl. */
  redis?: RedisClient;
}

export function auditLayout(config: Pick<AuditConfig, 'dir'>): LogLayout {
  return { dir: config.dir, prefix: 'audit', rotate: true };
}

export async function openAuditServices(config: AuditConfig, deps: AuditDeps = {}): Promise<AuditServices> {
  if (config.sink === 'off') throw new Error('openAuditServices: audit.sink is "off"; nothing to open');
  const redis = config.sink === 'redis' ? (deps.redis ?? createClient({ url: config.redisUrl! })) : null;
  if (redis && !redis.isOpen) await redis.connect();
  const index = config.indexPath ? new AuditIndexThread(config.indexPath, deps.logger) : null;
  // The index only serves auditors' queries; the log is the truth. An index that cannot
  // catch up leaves those queries refused (naming why), never the gateway unstarted.
  if (index) {
    await catchUpIndex(index, config, redis).catch((error: Error) =>
      deps.logger?.error(
        { alert: 'AUDIT_INDEX_UNAVAILABLE', index: config.indexPath, err: error.message },
        'ALERT audit query index could not catch up with the log; auditor queries are refused until it can (`npm run audit -- reindex`)',
      ),
    );
  }
  const sink: AuditSink = redis
    ? new RedisStreamSink({ client: redis, instance: config.instance, logger: deps.logger })
    : new FileSink({ ...auditLayout(config), maxFileBytes: config.maxFileBytes, fs: deps.fs });
  const operations = redis ? new RedisOperationStore(redis) : new FileOperationStore(operationsFilePath(auditLayout(config)));
  const log = new ChainedLog<AuditEntryBody>({
    sink,
    instance: config.instance,
    keys: loadOrCreateAuditKeys(config.keyDir),
    checkpointEvery: config.checkpointEvery,
    checkpointIntervalMs: config.checkpointIntervalMs,
    commit: { delayMs: config.commitDelayMs, maxBatch: config.maxBatch },
    witnesses: deps.witnesses,
    metrics: deps.metrics,
    logger: deps.logger,
    gapEntry: (problem) => gapRecord(config.instance, problem),
    onDurable: index ? (_entries, lines) => index.addLines(lines) : undefined,
  });
  // A sink that cannot be opened does not stop the gateway: every operation is then
  // refused with AUDIT_UNAVAILABLE (fail closed) until the sink recovers.
  await log
    .open()
    .catch((error: Error) =>
      deps.logger?.error(
        { alert: 'AUDIT_UNAVAILABLE', sink: sink.description, err: error.message },
        'ALERT audit sink could not be opened; operations will be refused until it can',
      ),
    );
  const close = async () => {
    await log.close();
    await operations.close();
    await index?.close();
    if (redis && !deps.redis) await redis.quit();
  };
  return { log, operations, index, close };
}

/** What catching up needs of an index: the AuditIndex itself (the CLI) or its thread (the gateway). */
export interface IndexTarget {
  lastSeq(instance: string): number | Promise<number>;
  add(entries: Chained<AuditEntryBody>[]): void | Promise<void>;
}

/** Index whatever the log holds beyond what the index has seen (after a crash, or a fresh index). */
export async function catchUpIndex(index: IndexTarget, config: AuditConfig, redis: RedisClient | null): Promise<void> {
  const lines = redis
    ? (await readStream(redis, config.instance)).segment.lines
    : listSegments(auditLayout(config)).flatMap((file) => readSegment(file.path).lines);
  const known = await index.lastSeq(config.instance);
  const entries: Chained<AuditEntryBody>[] = [];
  for (const line of lines) {
    const entry = parseOrNull(line);
    if (entry && !(entry.instance === config.instance && entry.seq <= known)) entries.push(entry);
  }
  await index.add(entries);
}

function parseOrNull(line: string): Chained<AuditEntryBody> | null {
  try {
    return JSON.parse(line) as Chained<AuditEntryBody>;
  } catch {
    return null; // damaged lines are verify's business; the index takes what it can read
  }
}
