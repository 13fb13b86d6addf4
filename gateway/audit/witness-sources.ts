/**
 * Where `npm run audit -- verify` reads the regions' witnessed checkpoints from, when it
 * is not told: every region in the registry, over its `GET /audit/checkpoints` (the
 * region's own copy, out of the gateway operator's reach), or — when the region does
 * not answer — its witness log on this machine (`DATA/<region>/witness.jsonl`, where
 * `npm start` and single-host installs keep it). A region neither way is named as not
 * consulted; the caller decides what a verification without any witness is worth.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointSource } from './verify.ts';
import { witnessFileSource } from './verify-files.ts';
import { WITNESS_PATH } from '../../common/log/witness.ts';

export interface WitnessConsulted {
  /** e.g. `region JS`. */
  name: string;
  /** Where the checkpoints came from (URL or file), or null when the region was not consulted. */
  from: string | null;
  /** Why the region's endpoint (and file) could not be used. */
  problem: string | null;
  source: CheckpointSource | null;
}

export interface WitnessLookup {
  regions: readonly { code: string; url: string }[];
  /** Data directory holding `<REGION>/witness.jsonl` (fallback when a region does not answer). */
  dataDir: string | null;
  /** Only this instance's checkpoints are asked for (null: all). */
  instance: string | null;
  timeoutMs?: number;
}

export async function consultRegionWitnesses(lookup: WitnessLookup): Promise<WitnessConsulted[]> {
  return Promise.all(
    lookup.regions.map(async (region): Promise<WitnessConsulted> => {
      const name = `region ${region.code}`;
      const url = new URL(WITNESS_PATH, region.url);
      if (lookup.instance) url.searchParams.set('instance', lookup.instance);
      let problem: string;
      try {
        return { name, from: url.toString(), problem: null, source: await fetchWitness(url, name, lookup.timeoutMs ?? 3000) };
      } catch (error) {
        problem = (error as Error).message;
      }
      const file = lookup.dataDir ? join(lookup.dataDir, region.code, 'witness.jsonl') : null;
      if (file && existsSync(file)) return { name, from: file, problem, source: witnessFileSource(file, `${name} ${file}`) };
      return { name, from: null, problem: `${problem}${file ? `; no witness log at ${file}` : ''}`, source: null };
    }),
  );
}

/** Explicit `--witness` arguments: a region subgraph's base URL, or a witness log file. */
export async function consultNamedWitness(target: string, instance: string | null, timeoutMs = 3000): Promise<CheckpointSource> {
  if (/^https?:\/\//.test(target)) {
    const url = new URL(WITNESS_PATH, target);
    if (instance) url.searchParams.set('instance', instance);
    return fetchWitness(url, target, timeoutMs);
  }
  if (!existsSync(target))
    throw new Error(`--witness ${target} does not exist; expected a region's witness.jsonl or its subgraph's http:// URL`);
  return witnessFileSource(target);
}

async function fetchWitness(url: URL, name: string, timeoutMs: number): Promise<CheckpointSource> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new Error(
      `${url} did not answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`,
    );
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { checkpoints?: unknown };
  if (!Array.isArray(body.checkpoints))
    throw new Error(`${url} answered without a "checkpoints" list; expected {region, instance, checkpoints: [...]}`);
  return { location: `${name} ${url}`, lines: body.checkpoints.map((c) => JSON.stringify(c)), role: 'witness' };
}
