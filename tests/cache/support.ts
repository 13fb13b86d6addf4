/**
 * Shared pieces of the cache suites: the queries, how many requests the regions saw,
 * and waiting (with a deadline) for the gateway to show a change.
 */
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import type { GraphQLResponse, RegionCode, System } from '../support/system.ts';
import { REGION_CODES } from '../support/system.ts';

export const PERSON_NAMES = `query PersonNames($id: String!) {
  person(idNumber: $id) { idNumber records { id region name } }
}`;

export const PERSON_NAMES_AND_BIRTH = `query PersonNames($id: String!) {
  person(idNumber: $id) { idNumber records { id region name birthDate } }
}`;

export const RECORD_NAME = `query RecordName($id: ID!) { personRecord(id: $id) { id name } }`;

/** GraphQL requests (the contract parts only, not the change stream or health) the regions received. */
export function regionRequests(system: System): Record<RegionCode, number> {
  return Object.fromEntries(
    REGION_CODES.map((code) => {
      const counts = system.regions[code].proxy.counts();
      return [code, (counts['/records'] ?? 0) + (counts['/index'] ?? 0) + (counts['/search'] ?? 0)];
    }),
  ) as Record<RegionCode, number>;
}

export function totalRequests(system: System): number {
  return Object.values(regionRequests(system)).reduce((a, b) => a + b, 0);
}

export function statuses(response: GraphQLResponse): string[] {
  return (response.extensions?.regions ?? []).map((r: { status: string }) => r.status);
}

/**
 * How long a test waits for a region's change to show through the gateway. The product's
 * target is one second, but tests assert behaviour, not speed, on a shared machine: this
 * bound only has to be far below every cache TTL (30 s and more), so that passing proves the
 * change evicted the entry rather than the entry expiring. Each test prints the time taken.
 */
export const CHANGE_VISIBLE_WITHIN_MS = 10_000;

/** Repeats `probe` until it returns true or `deadlineMs` passes; resolves to the time it took, or null. */
export async function within(deadlineMs: number, probe: () => Promise<boolean>): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started <= deadlineMs) {
    if (await probe()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return null;
}

/**
 * Waits until `ask` serves a repeated lookup without asking any region: every change
 * stream has connected (a connecting stream drops its region's entries, since it cannot
 * know what it missed before).
 */
export async function settled(
  system: System,
  ask: (query: string, variables: Record<string, unknown>) => Promise<unknown> = (q, v) => system.query(q, v),
): Promise<void> {
  const id = system.scenarios.crossRegionCase.suspectIdNumber;
  const ready = await within(15_000, async () => {
    await ask(PERSON_NAMES, { id });
    system.resetCounts();
    await ask(PERSON_NAMES, { id });
    return totalRequests(system) === 0;
  });
  if (ready === null) throw new Error('the gateway never served a repeated lookup from its cache within 15 s');
}

export async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** POSTs a query to any gateway of the system as a demo investigator. */
export async function queryGateway(
  url: string,
  keysDir: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLResponse> {
  const token = await mintDevToken(keysDir, { sub: 'TEST-cache', region: 'JS', roles: ['investigator'], ttlSeconds: 300 });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'patrol-check: cache test' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}
