/**
 * Workload 8, assistance requests (協查, issue #14): the latency of `requestAssistance`
 * through the gateway (audit on, both sides) into each receiving region's own system —
 * GZ (its legacy service's write endpoint), HB (a GBK file in its drop folder) — and of a
 * retry with the same idempotency key (the region finds the request, writes nothing); then of
 * `acceptAssistance` by an officer of the receiving region on each of those requests — GZ
 * (its legacy step endpoint), HB (an action file in its drop folder; no HB intake runs, so
 * each request and step is read back from its waiting file, as submitted) — and of the
 * same accept again (a repeat: answered unchanged, nothing written). One client, one mutation at a time (the latency, not a throughput), `count` new requests
 * per region then `count` retries; a fresh small data set, removed afterwards. On 127.0.0.1,
 * bounded in count.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintDevToken } from '../../gateway/auth/dev-key.ts';
import { generate } from '../../standins/generator/generate.ts';
import { startLiandong } from '../lib/liandong.ts';
import { officerHeaders } from '../lib/officer.ts';
import { startRegions } from '../lib/regions.ts';

const REQUEST = `mutation Ask($input: AssistanceRequestInput!) { requestAssistance(input: $input) { id status } }`;
const ACCEPT = 'mutation Accept($id: ID!) { acceptAssistance(id: $id) { id status } }';

export interface AssistanceWorkloadOptions {
  count: number;
  log: (line: string) => void;
}

interface Latency {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

function summary(ms: number[]): Latency {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), max: at(1), n: sorted.length };
}

export async function runAssistanceWorkload(opts: AssistanceWorkloadOptions) {
  const work = mkdtempSync(join(tmpdir(), 'liandong-bench-assistance-'));
  const dataDir = join(work, 'data');
  await generate({ dataDir, personsPerRegion: 200, seed: 7, regions: ['JS', 'GZ', 'HB'] });
  const scenario = JSON.parse(readFileSync(join(dataDir, 'scenarios.json'), 'utf8')).crossRegionCase;
  const regions = await startRegions(dataDir, work);
  const gateway = await startLiandong({ name: 'liandong-assistance', template: 'regional', work, regions: regions.regions });
  try {
    // The bench investigator is the demo case's lead; the purpose names the case, as the rule wants.
    const headers = {
      ...(await officerHeaders(join(work, 'keys'))),
      'x-purpose': `assistance-request; case=${scenario.caseId}`,
      'content-type': 'application/json',
    };
    /** An investigator of the receiving region, to work its inbox. */
    const receiving = async (region: string) => ({
      ...headers,
      authorization: `Bearer ${await mintDevToken(join(work, 'keys'), { sub: `${region}-0200001`, region, roles: ['investigator'], ttlSeconds: 3600 })}`,
    });
    const accept = async (region: string, id: string): Promise<number> => {
      const started = performance.now();
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: await receiving(region),
        body: JSON.stringify({ query: ACCEPT, variables: { id } }),
      });
      const body = (await response.json()) as { data?: { acceptAssistance?: { status: string } }; errors?: Array<{ message: string }> };
      const elapsed = performance.now() - started;
      if (body.data?.acceptAssistance?.status !== 'ACCEPTED')
        throw new Error(`acceptAssistance at ${region} failed: ${JSON.stringify(body.errors)}`);
      return elapsed;
    };
    const ids = new Map<string, string>();
    const ask = async (toRegion: string, key: string): Promise<number> => {
      const input = {
        case: scenario.caseId,
        toRegion,
        subjects: [scenario.suspectIdNumber],
        ask: ['PERSON_RECORDS', 'CONTACT_DETAILS'],
        urgency: 'NORMAL',
        idempotencyKey: key,
      };
      const started = performance.now();
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: REQUEST, variables: { input } }),
      });
      const body = (await response.json()) as { data?: { requestAssistance?: { id: string } }; errors?: Array<{ message: string }> };
      const elapsed = performance.now() - started;
      if (!body.data?.requestAssistance?.id) throw new Error(`requestAssistance to ${toRegion} failed: ${JSON.stringify(body.errors)}`);
      ids.set(key, body.data.requestAssistance.id);
      return elapsed;
    };
    const results: Record<string, { created: Latency; retried: Latency; accepted: Latency; acceptRepeated: Latency }> = {};
    for (const region of ['GZ', 'HB']) {
      await ask(region, `bench-warmup-${region}`);
      const created: number[] = [];
      const retried: number[] = [];
      for (let i = 0; i < opts.count; i++) created.push(await ask(region, `bench-${region}-${i}`));
      for (let i = 0; i < opts.count; i++) retried.push(await ask(region, `bench-${region}-${i}`));
      const accepted: number[] = [];
      const repeated: number[] = [];
      for (let i = 0; i < opts.count; i++) accepted.push(await accept(region, ids.get(`bench-${region}-${i}`)!));
      for (let i = 0; i < opts.count; i++) repeated.push(await accept(region, ids.get(`bench-${region}-${i}`)!));
      results[region] = {
        created: summary(created),
        retried: summary(retried),
        accepted: summary(accepted),
        acceptRepeated: summary(repeated),
      };
      opts.log(
        `  ${region}: new p50 ${results[region].created.p50} ms, retry p50 ${results[region].retried.p50} ms, accept p50 ${results[region].accepted.p50} ms, repeated accept p50 ${results[region].acceptRepeated.p50} ms`,
      );
    }
    return {
      count: opts.count,
      results,
      loadAverage: loadavg()[0],
      method:
        'one client, sequential; wall time of POST /graphql requestAssistance (audit on at the gateway and the region: intent + outcome) to GZ (legacy write endpoint) and HB (drop-folder file), then the same keys again (idempotent retries); then acceptAssistance by an investigator of the receiving region on each (GZ legacy step endpoint, HB action file in its drop folder, no HB intake running), then the same accepts again (repeats)',
    };
  } finally {
    await gateway.stop();
    await regions.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
