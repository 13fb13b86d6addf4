/**
 * The Redis Streams audit sink, for several gateway replicas sharing one Redis.
 *
 * Each gateway instance appends to its own stream (`<prefix>:audit:<instance>`) and so
 * keeps its own chain; its checkpoints go to `<prefix>:audit:<instance>:checkpoints`.
 * A batch is one MULTI/EXEC of XADDs (atomic: no torn entries), optionally followed by
 * WAIT for replicas. Durability is Redis's: run it with `appendonly yes` and
 * `appendfsync always` (checked on open, warned about otherwise).
 *
 * Retention: XADD is never given MAXLEN, so the sink never trims a record. Trimming is
 * an operator step taken only after `npm run audit -- export` has archived the stream
 * to files (which `verify --log` then checks): `XTRIM <key> MINID <first kept id>`.
 */
import type { createClient } from 'redis';
import { EMPTY_HEAD, parseChainLine } from '../../common/log/chain.ts';
import { parseCheckpoint, type SignedCheckpoint } from '../../common/log/checkpoint.ts';
import type { Logger } from '../../common/log/log.ts';
import type { AuditSink, RecoveredTail } from '../../common/log/sink.ts';
import type { Segment } from './verify.ts';

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisSinkOptions {
  client: RedisClient;
  instance: string;
  prefix?: string;
  /** Replicas that must acknowledge each batch (WAIT); 0 skips. */
  waitReplicas?: number;
  waitTimeoutMs?: number;
  logger?: Logger;
}

export function streamKeys(instance: string, prefix = 'liandong'): { entries: string; checkpoints: string } {
  const entries = `${prefix}:audit:${instance}`;
  return { entries, checkpoints: `${entries}:checkpoints` };
}

export class RedisStreamSink implements AuditSink {
  readonly #o: RedisSinkOptions;
  readonly #keys: { entries: string; checkpoints: string };

  constructor(options: RedisSinkOptions) {
    this.#o = options;
    this.#keys = streamKeys(options.instance, options.prefix);
  }

  get description(): string {
    return `redis stream ${this.#keys.entries}`;
  }

  async open(): Promise<RecoveredTail> {
    if (!this.#o.client.isOpen) await this.#o.client.connect();
    await this.#warnIfNotDurable();
    const [last] = (await this.#o.client.xRevRange(this.#keys.entries, '+', '-', { COUNT: 1 })) ?? [];
    if (!last) return { head: EMPTY_HEAD, problems: [] };
    const parsed = parseChainLine(String(last.message.line));
    if (!parsed.ok) {
      throw new Error(
        `${this.description} entry ${last.id} is damaged (${parsed.detail}); refusing to continue the chain — run \`npm run audit -- verify --redis\``,
      );
    }
    return { head: { seq: parsed.entry.seq, lineHash: parsed.lineHash }, problems: [] };
  }

  async writeBatch(lines: string[]): Promise<void> {
    const multi = this.#o.client.multi();
    for (const line of lines) multi.xAdd(this.#keys.entries, '*', { line });
    await multi.exec();
    if (this.#o.waitReplicas) {
      const acked = await this.#o.client.wait(this.#o.waitReplicas, this.#o.waitTimeoutMs ?? 1000);
      if (acked < this.#o.waitReplicas)
        throw new Error(`only ${acked} of ${this.#o.waitReplicas} Redis replicas acknowledged the audit batch`);
    }
  }

  async put(checkpoint: SignedCheckpoint): Promise<void> {
    await this.#o.client.xAdd(this.#keys.checkpoints, '*', { checkpoint: JSON.stringify(checkpoint) });
  }

  async lastCheckpoint(): Promise<SignedCheckpoint | null> {
    const [last] = (await this.#o.client.xRevRange(this.#keys.checkpoints, '+', '-', { COUNT: 1 })) ?? [];
    return last ? parseCheckpoint(String(last.message.checkpoint)) : null;
  }

  async close(): Promise<void> {
    // The client belongs to whoever created it (it may be shared with the cache).
  }

  async #warnIfNotDurable(): Promise<void> {
    const config = await this.#o.client.configGet('append*').catch(() => ({}) as Record<string, string>);
    if (config.appendonly !== 'yes' || config.appendfsync !== 'always') {
      this.#o.logger?.warn(
        { sink: this.description, appendonly: config.appendonly, appendfsync: config.appendfsync },
        'Redis is not running with appendonly yes / appendfsync always: acknowledged audit records may be lost if Redis crashes',
      );
    }
  }
}

/** Read a whole instance stream (and its checkpoints) for verification or export. */
export async function readStream(
  client: RedisClient,
  instance: string,
  prefix?: string,
): Promise<{ segment: Segment; checkpoints: string[] }> {
  const keys = streamKeys(instance, prefix);
  // Checkpoints first: one added while the entries are read then never counts beyond them (a live writer is not a cut).
  const checkpoints = (await readAll(client, keys.checkpoints)).map((m) => String(m.checkpoint));
  const lines = (await readAll(client, keys.entries)).map((m) => String(m.line));
  return { segment: { location: keys.entries, lines, torn: null }, checkpoints };
}

async function readAll(client: RedisClient, key: string, chunk = 1000): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start = '-';
  for (;;) {
    const batch = (await client.xRange(key, start, '+', { COUNT: chunk })) ?? [];
    out.push(...batch.map((m) => m.message as Record<string, unknown>));
    if (batch.length < chunk) return out;
    start = `(${batch[batch.length - 1].id}`;
  }
}
