/** Verify one gateway instance's audit stream in Redis against its checkpoint stream (and witnesses), with its operation texts. */
import type { KeyObject } from 'node:crypto';
import type { CheckpointPolicy } from '../../common/log/checkpoint.ts';
import { readStream, streamKeys, type RedisClient } from './redis-sink.ts';
import { operationsKey } from './redis-operations.ts';
import { verifyChain, type CheckpointSource, type VerifyReport } from './verify.ts';

export interface RedisVerifyOptions {
  client: RedisClient;
  instance: string;
  prefix?: string;
  /** Null: check the chain only (no checkpoints to check against). */
  publicKey: KeyObject | null;
  /** Witnessed checkpoints (regions' witness logs or `GET /audit/checkpoints`), as for files. */
  witnesses?: CheckpointSource[];
  fallbackPolicy?: CheckpointPolicy | null;
}

export async function verifyRedisLog(options: RedisVerifyOptions): Promise<VerifyReport> {
  const { segment, checkpoints } = await readStream(options.client, options.instance, options.prefix);
  const location = streamKeys(options.instance, options.prefix).checkpoints;
  const key = operationsKey(options.prefix);
  const texts = await options.client.hGetAll(key);
  return verifyChain([segment], [{ location, lines: checkpoints, role: 'local' }, ...(options.witnesses ?? [])], options.publicKey, {
    instance: options.instance,
    fallbackPolicy: options.fallbackPolicy,
    // The same {hash, text} shape as the file store, so both are checked by one rule.
    operations: { location: key, lines: Object.entries(texts).map(([hash, text]) => JSON.stringify({ hash, text })) },
  });
}
