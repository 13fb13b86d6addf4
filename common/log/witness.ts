/**
 * The sending side of checkpoint witnessing: each region's subgraph keeps a copy of the
 * gateway's signed checkpoints in its own disclosure store, out of the gateway
 * operator's reach. A gateway whose log was cut or re-made can no longer match the
 * heads the regions hold (`npm run audit -- verify --witness DATA/JS/witness.jsonl`).
 */
import type { SignedCheckpoint } from './checkpoint.ts';
import type { Witness } from './log.ts';

/** Where a regional subgraph accepts checkpoints (POST, JSON body: one SignedCheckpoint). */
export const WITNESS_PATH = '/audit/checkpoints';

export class HttpWitness implements Witness {
  readonly name: string;
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(name: string, baseUrl: string, timeoutMs = 2000) {
    this.name = name;
    this.#url = new URL(WITNESS_PATH, baseUrl).toString();
    this.#timeoutMs = timeoutMs;
  }

  async put(checkpoint: SignedCheckpoint): Promise<void> {
    const response = await fetch(this.#url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(checkpoint),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    if (!response.ok)
      throw new Error(
        `witness ${this.name} (${this.#url}) refused checkpoint ${checkpoint.count}: HTTP ${response.status} ${await response.text()}`,
      );
  }
}

/** One witness per region, from the region registry's base URLs. */
export function regionWitnesses(regions: readonly { code: string; url: string }[], timeoutMs?: number): Witness[] {
  return regions.map((r) => new HttpWitness(`region ${r.code}`, r.url, timeoutMs));
}
