/**
 * The contract check a newly registered region must pass before it is put in service:
 * ask each of its three parts for the SDL it serves (`{ _service { sdl } }`) and
 * compare it with the contract the supergraph was composed from (schema/contract/).
 *
 * The gateway plans every query against the contract, never against what a region
 * serves; a region serving something else would fail queries at run time in ways no
 * one could trace back. Refusing it at registration, naming the differing types and
 * fields, turns that into one clear message for the operator.
 */
import type { DocumentNode } from 'graphql';
import { contractTypeDefs } from '../federation/compose.ts';
import { describeDifference, diffSdl, type ContractDifference } from './contract-diff.ts';
import { CONTRACT_PARTS, type ContractPart, type Region } from './regions-file.ts';

export const SERVICE_SDL_QUERY = '{ _service { sdl } }';

/** Headers for the check's requests (the signed internal token when subgraphs require one). */
export type CheckHeaders = (region: Region, body: string, part: ContractPart) => Record<string, string> | Promise<Record<string, string>>;

export type ContractVerdict = { ok: true } | { ok: false; reason: string; differences: Array<ContractDifference & { part: ContractPart }> };

export type ContractCheck = (region: Region) => Promise<ContractVerdict>;

/** Fetches one part's served SDL; throws an Error saying what went wrong with which URL. */
export async function fetchServedSdl(region: Region, part: ContractPart, headers?: CheckHeaders): Promise<string> {
  const url = region.endpoints[part];
  const body = JSON.stringify({ query: SERVICE_SDL_QUERY });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(await headers?.(region, body, part)) },
    body,
    signal: AbortSignal.timeout(region.timeoutMs),
  });
  const text = await response.text();
  let json: { data?: { _service?: { sdl?: unknown } }; errors?: Array<{ message: string }> };
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${url} answered HTTP ${response.status} with something other than JSON: ${text.slice(0, 120)}`);
  }
  const sdl = json.data?._service?.sdl;
  if (typeof sdl !== 'string') {
    const why = json.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}, no _service.sdl in the answer`;
    throw new Error(`${url} did not serve its SDL: ${why}`);
  }
  return sdl;
}

/**
 * The check, against `contract(part)` (default: schema/contract/). Unreachable parts are
 * refused too: a region that cannot show its schema cannot be checked.
 */
export function contractCheck(options: { headers?: CheckHeaders; contract?: (part: ContractPart) => DocumentNode } = {}): ContractCheck {
  const contract = options.contract ?? ((part: ContractPart) => contractTypeDefs(part));
  return async (region) => {
    const differences: Array<ContractDifference & { part: ContractPart }> = [];
    const unreachable: string[] = [];
    await Promise.all(
      CONTRACT_PARTS.map(async (part) => {
        try {
          const sdl = await fetchServedSdl(region, part, options.headers);
          differences.push(...diffSdl(contract(part), sdl).map((d) => ({ ...d, part })));
        } catch (error) {
          unreachable.push(`${part}: ${(error as Error).message}`);
        }
      }),
    );
    if (unreachable.length === 0 && differences.length === 0) return { ok: true };
    return { ok: false, reason: refusalMessage(region, differences, unreachable), differences };
  };
}

function refusalMessage(region: Region, differences: Array<ContractDifference & { part: ContractPart }>, unreachable: string[]): string {
  const lines = [`region ${region.code} (${region.url}) refused: its served schema does not match the contract (schema/contract/)`];
  if (differences.length > 0) {
    const types = [...new Set(differences.map((d) => d.coordinate.split('.')[0]))].sort();
    lines.push(`differing types: ${types.join(', ')}`);
    lines.push(...differences.map((d) => `  - [${d.part}] ${describeDifference(d)}`));
  }
  if (unreachable.length > 0) lines.push('could not fetch the served SDL of:', ...unreachable.map((u) => `  - ${u}`));
  return lines.join('\n');
}
