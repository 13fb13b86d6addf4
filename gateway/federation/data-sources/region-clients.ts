/**
 * One `RegionClient` per region, shared by the data sources of every contract part —
 * a region that is down for `records` is down for `index` too, so they share its
 * breaker, concurrency cap and connections.
 *
 * The list is read from the directory on every fetch; a region whose settings changed
 * (after a registry reload) gets a fresh client, and the old one is closed.
 */
import { RegionClient, type RegionClientOptions } from './region-client.ts';
import type { ContractPart, RegionAnswer, RegionDirectory, RegionEntry, RequestSealer, SealedRequest } from './types.ts';
import { injectTraceContext, inSpan, setFacts, SPAN, SpanKind, tracingState } from '../../../common/tracing/spans.ts';

export class RegionClients {
  private readonly clients = new Map<string, { signature: string; client: RegionClient }>();
  private lastList: readonly RegionEntry[] | null = null;
  /** Regions that timed out during a request (keyed by its context), so later fetches of it do not wait again. */
  private readonly timedOut = new WeakMap<object, Set<string>>();

  constructor(
    readonly directory: RegionDirectory,
    private readonly options: RegionClientOptions = {},
  ) {}

  /** The regions in registry order (the stable merge order), as `request` started with them. */
  regions(request?: unknown): readonly RegionEntry[] {
    const list = this.directory.regions(request);
    if (list !== this.lastList) this.dropRemoved(list);
    return list;
  }

  client(region: RegionEntry): RegionClient {
    const signature = JSON.stringify([region.endpoints, region.timeoutMs, region.maxConcurrency, region.breaker, region.envelopes]);
    const known = this.clients.get(region.code);
    if (known && known.signature === signature) return known.client;
    if (known) void known.client.close();
    const client = new RegionClient(region, this.options);
    this.clients.set(region.code, { signature, client });
    return client;
  }

  /**
   * Posts to a region unless it already timed out earlier in the same request: a query
   * whose plan reaches a slow region in several sequential fetches must pay its timeout
   * once, not once per fetch.
   */
  post(region: RegionEntry, part: ContractPart, body: string, headers: Record<string, string>, context: unknown): Promise<RegionAnswer> {
    return this.once(region, context, () =>
      tracingState.on ? this.tracedPost(region, part, body, headers) : this.client(region).post(part, body, headers),
    );
  }

  /**
   * As `post`, for a request signed late: it may share an envelope with others to the same
   * region. Traced requests go alone, each with its own `traceparent`.
   */
  postSealed(
    region: RegionEntry,
    part: ContractPart,
    request: SealedRequest,
    sealer: RequestSealer,
    context: unknown,
  ): Promise<RegionAnswer> {
    if (tracingState.on) return this.post(region, part, request.body, { ...request.headers, ...sealer.seal(request.prepared) }, context);
    return this.once(region, context, () => this.client(region).postSealed(part, request, sealer));
  }

  /** Whether a sealed request to this region's `part` would queue now (and may join an envelope). Never while tracing. */
  laneBusy(region: RegionEntry, part: ContractPart): boolean {
    // The client as it is (no settings check: `postSealed` makes that check when it sends).
    return !tracingState.on && (this.clients.get(region.code)?.client.laneBusy(part) ?? false);
  }

  private async once(region: RegionEntry, context: unknown, send: () => Promise<RegionAnswer>): Promise<RegionAnswer> {
    const request = typeof context === 'object' && context !== null ? context : null;
    if (request && this.timedOut.get(request)?.has(region.code)) {
      return {
        region,
        status: 'timeout',
        reason: 'timeout',
        latencyMs: 0,
        message: `not asked again: it timed out earlier in this request (limit ${region.timeoutMs} ms)`,
      };
    }
    const answer = await send();
    if (request && answer.status === 'timeout') {
      const set = this.timedOut.get(request) ?? new Set<string>();
      set.add(region.code);
      this.timedOut.set(request, set);
    }
    return answer;
  }

  /**
   * One span per region asked, its `traceparent` sent along so the region's spans join
   * the trace. Only the region code, part, status and latency go on it: the body and
   * the answer hold the keys asked for.
   */
  private tracedPost(region: RegionEntry, part: ContractPart, body: string, headers: Record<string, string>): Promise<RegionAnswer> {
    return inSpan(
      SPAN.regionFetch,
      { 'liandong.region': region.code, 'liandong.part': part },
      async (span) => {
        const answer = await this.client(region).post(part, body, injectTraceContext({ ...headers }));
        setFacts(span, { 'liandong.status': answer.status, 'liandong.latency_ms': answer.latencyMs });
        return answer;
      },
      SpanKind.CLIENT,
    );
  }

  /** A region taken out of the registry must not keep its sockets open. */
  private dropRemoved(list: readonly RegionEntry[]): void {
    this.lastList = list;
    const present = new Set(list.map((r) => r.code));
    for (const [code, { client }] of this.clients) {
      if (present.has(code)) continue;
      void client.close();
      this.clients.delete(code);
    }
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()].map(({ client }) => client.close());
    this.clients.clear();
    await Promise.all(all);
  }
}
