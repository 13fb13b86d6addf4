/** Verify one gateway instance's audit stream in Redis against its checkpoint stream. */
import type { KeyObject } from 'node:crypto';
import { readStream, streamKeys, type RedisClient } from './redis-sink.ts';
import { verifyChain, type VerifyReport } from './verify.ts';

export interface RedisVerifyOptions {
  client: RedisClient;
  instance: string;
  prefix?: string;
  /** Null: check the chain only (no checkpoints to check against). */
  publicKey: KeyObject | null;
}

export async function verifyRedisLog(options: RedisVerifyOptions): Promise<VerifyReport> {
  const { segment, checkpoints } = await readStream(options.client, options.instance, options.prefix);
  const location = streamKeys(options.instance, options.prefix).checkpoints;
  return verifyChain([segment], [{ location, lines: checkpoints }], options.publicKey);
}
