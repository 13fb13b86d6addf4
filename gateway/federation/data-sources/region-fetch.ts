/**
 * Sending one fetch's per-region requests in parallel and recording how each region
 * answered in the request's report (status, latency), which the audit record and
 * `extensions.regions` are built from.
 */
import type { RegionOutcome, RegionStatus, RequestReport } from '../../context.ts';
import type { RegionRequestCache } from '../../cache/entity-cache.ts';
import type { RegionClients } from './region-clients.ts';
import type {
  ContractPart, GraphQLBody, HeadersHook, RegionAnswer, RegionEntry, ReportLocator,
} from './types.ts';

export interface RegionFetchHooks {
  headers?: HeadersHook;
  report?: ReportLocator;
  /** Cache hook (gateway/cache): consulted for every fetch; sends only what it cannot answer. */
  cache?: RegionRequestCache | null;
}

export class RegionFetcher {
  constructor(
    private readonly clients: RegionClients,
    readonly part: ContractPart,
    readonly subgraph: string,
    private readonly hooks: RegionFetchHooks = {},
  ) {}

  /** The regions in registry order. */
  regions(): readonly RegionEntry[] {
    return this.clients.regions();
  }

  /** Asks every region named in `requests`, in parallel; answers come back in registry order. */
  async ask(regions: readonly RegionEntry[], requests: ReadonlyMap<string, GraphQLBody>, context: unknown): Promise<RegionAnswer[]> {
    // Cache hook: the entity cache answers what it can and calls `send` for the rest.
    const cache = this.hooks.cache;
    if (cache) return cache.ask(this.subgraph, regions, requests, context, (r, q) => this.send(r, q, context));
    return this.send(regions, requests, context);
  }

  private async send(regions: readonly RegionEntry[], requests: ReadonlyMap<string, GraphQLBody>, context: unknown): Promise<RegionAnswer[]> {
    const asked = regions.filter((region) => requests.has(region.code));
    return Promise.all(asked.map(async (region) => {
      const body = JSON.stringify(requests.get(region.code));
      const headers = (await this.hooks.headers?.(region, body, context as never, this.part)) ?? {};
      return this.clients.client(region).post(this.part, body, headers);
    }));
  }

  /** Writes one outcome per region (asked or deliberately skipped) into the request's report. */
  record(context: unknown, outcomes: readonly RegionOutcome[]): void {
    const report = this.reportOf(context);
    if (report) report.regions.push(...outcomes);
  }

  recordConflicts(context: unknown, conflicts: RequestReport['conflicts']): void {
    if (conflicts.length === 0) return;
    this.reportOf(context)?.conflicts.push(...conflicts);
  }

  outcome(region: string, status: RegionStatus, latencyMs: number, message?: string): RegionOutcome {
    return { region, subgraph: this.subgraph, status, latencyMs, ...(message ? { message } : {}) };
  }

  private reportOf(context: unknown): RequestReport | undefined {
    if (this.hooks.report) return this.hooks.report(context);
    const report = (context as { report?: RequestReport } | undefined)?.report;
    return report && Array.isArray(report.regions) ? report : undefined;
  }
}
