/** Operation texts kept once per hash in a Redis hash shared by every replica. */
import { operationHash } from './operation.ts';
import type { OperationStore } from './operations-store.ts';
import type { RedisClient } from './redis-sink.ts';

/** The Redis hash holding every instance's operation texts (field: SHA-256, value: text). */
export function operationsKey(prefix = 'liandong'): string {
  return `${prefix}:audit:operations`;
}

export class RedisOperationStore implements OperationStore {
  readonly #client: RedisClient;
  readonly #key: string;
  readonly #known = new Set<string>();

  constructor(client: RedisClient, prefix = 'liandong') {
    this.#client = client;
    this.#key = operationsKey(prefix);
  }

  async remember(hash: string, text: string): Promise<void> {
    if (this.#known.has(hash)) return;
    if (operationHash(text) !== hash) throw new Error(`operation hash ${hash} is not the SHA-256 of the text given`);
    await this.#client.hSetNX(this.#key, hash, text);
    this.#known.add(hash);
  }

  async text(hash: string): Promise<string | null> {
    return (await this.#client.hGet(this.#key, hash)) ?? null;
  }

  async close(): Promise<void> {}
}
