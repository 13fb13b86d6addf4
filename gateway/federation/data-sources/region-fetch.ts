/**
 * Sending one fetch's per-region requests in parallel and recording how each region
 * answered in the request's report (status, latency), which the audit record and
 * `extensions.regions` are built from.
 */
import type { RegionOutcome, RegionStatus, RequestReport } from '../../context.ts';
import type { RegionClients } from './region-clients.ts';
import { parse } from 'graphql';
import { selectOperation } from '../../../common/operations/select.ts';
import type {
  BatchHeadersHook,
  ContractPart,
  GraphQLBody,
  HeadersHook,
  RegionAnswer,
  RegionEntry,
  RegionRequestCache,
  ReportLocator,
  RequestSealer,
} from './types.ts';

export interface RegionFetchHooks {
  headers?: HeadersHook;
  /** For a fetch that asks several regions; `headers` is used for one. */
  batchHeaders?: BatchHeadersHook;
  /** For a fetch that asks one region: signed late, so it may share an envelope (preferred to `headers`). */
  sealer?: RequestSealer;
  report?: ReportLocator;
  /** Cache hook (gateway/cache): consulted for every fetch; sends only what it cannot answer. */
  cache?: RegionRequestCache | null;
}

type Asked = { region: RegionEntry; body: string };

export class RegionFetcher {
  constructor(
    private readonly clients: RegionClients,
    readonly part: ContractPart,
    readonly subgraph: string,
    private readonly hooks: RegionFetchHooks = {},
  ) {}

  /** The regions in registry order, as the request (its context) started with them. */
  regions(request?: unknown): readonly RegionEntry[] {
    return this.clients.regions(request);
  }

  /** Asks every region named in `requests`, in parallel; answers come back in registry order. */
  async ask(regions: readonly RegionEntry[], requests: ReadonlyMap<string, GraphQLBody>, context: unknown): Promise<RegionAnswer[]> {
    // Cache hook: the entity cache answers what it can and calls `send` for the rest.
    const cache = this.hooks.cache;
    if (cache) return cache.ask(this.subgraph, regions, requests, context, (r, q) => this.send(r, q, context));
    return this.send(regions, requests, context);
  }

  private async send(
    regions: readonly RegionEntry[],
    requests: ReadonlyMap<string, GraphQLBody>,
    context: unknown,
  ): Promise<RegionAnswer[]> {
    const asked = regions
      .filter((region) => requests.has(region.code))
      .map((region) => ({ region, body: JSON.stringify(requests.get(region.code)) }));
    const answers = await this.post(asked, context);
    return this.retryResets(asked, answers, requests, context);
  }

  /**
   * One region: signed as it leaves, so it may share an envelope. Several (a fan-out):
   * those whose region is busy join its queue (and an envelope) the same way; the rest
   * leave at once under one fan-out token (one signature for all of them).
   */
  private async post(asked: readonly Asked[], context: unknown): Promise<RegionAnswer[]> {
    const { sealer } = this.hooks;
    if (!sealer) return this.postSigned(asked, context);
    const queues = asked.map(({ region }) => asked.length === 1 || this.clients.laneBusy(region, this.part));
    const queueing = asked.filter((_, i) => queues[i]);
    const leaving = asked.filter((_, i) => !queues[i]);
    const sealed = (a: Asked) =>
      this.clients.postSealed(a.region, this.part, sealer.prepare(a.region, a.body, context as never, this.part), sealer, context);
    const [now, queued] = await Promise.all([
      leaving.length === 1 ? Promise.all(leaving.map(sealed)) : this.postSigned(leaving, context),
      Promise.all(queueing.map(sealed)),
    ]);
    // Back in the order asked: each list kept its members in that order.
    let [n, q] = [0, 0];
    return queues.map((isQueued) => (isQueued ? queued[q++] : now[n++]));
  }

  /** Signed now: one token each, or one fan-out token for several. */
  private async postSigned(asked: readonly Asked[], context: unknown): Promise<RegionAnswer[]> {
    if (asked.length === 0) return [];
    const headers = await this.headersFor(asked, context);
    return Promise.all(asked.map(({ region, body }, i) => this.clients.post(region, this.part, body, headers[i], context)));
  }

  /**
   * A region that closes a keep-alive connection (its subgraph draining before a stop,
   * or its idle timeout) can do so just as the pool writes the next request onto it; the
   * request fails as a reset without the region having answered. A read is asked once
   * more, on a fresh connection and with fresh headers (the internal token is single
   * use); a write never is, since it may have been performed. A region that is really
   * gone then refuses the connection and is reported unavailable as before.
   */
  private async retryResets(
    asked: readonly { region: RegionEntry; body: string }[],
    answers: RegionAnswer[],
    requests: ReadonlyMap<string, GraphQLBody>,
    context: unknown,
  ): Promise<RegionAnswer[]> {
    const again = asked.filter(({ region }, i) => answers[i].reason === 'reset' && isRead(requests.get(region.code)!));
    if (again.length === 0) return answers;
    const retried = await this.post(again, context);
    return answers.map((answer) => {
      const at = again.findIndex((a) => a.region.code === answer.region.code);
      return at < 0 ? answer : retried[at];
    });
  }

  private async headersFor(asked: readonly { region: RegionEntry; body: string }[], context: unknown): Promise<Record<string, string>[]> {
    const { headers, batchHeaders } = this.hooks;
    if (batchHeaders && asked.length > 1) return batchHeaders(asked, context as never, this.part);
    return Promise.all(asked.map(async ({ region, body }) => (await headers?.(region, body, context as never, this.part)) ?? {}));
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

  /**
   * How a region did for this fetch: its transport status when it did not answer;
   * `cached` when the entity cache answered for it; `hit` when `contributed` finds data
   * of its in the answer; `error` when it returned nothing but errors; else `miss`.
   */
  outcomeOf(answer: RegionAnswer, contributed: (data: Record<string, unknown>) => boolean): RegionOutcome {
    const code = answer.region.code;
    if (answer.status !== 'answered') return this.outcome(code, answer.status, answer.latencyMs, answer.message);
    if (answer.fromCache) return this.outcome(code, 'cached', answer.latencyMs);
    const data = answer.answer?.data;
    if (data && contributed(data)) return this.outcome(code, 'hit', answer.latencyMs);
    const firstError = answer.answer?.errors?.[0]?.message;
    if (firstError !== undefined) return this.outcome(code, 'error', answer.latencyMs, firstError);
    return this.outcome(code, 'miss', answer.latencyMs);
  }

  outcome(region: string, status: RegionStatus, latencyMs: number, message?: string): RegionOutcome {
    return { region, subgraph: this.subgraph, status, latencyMs, ...(message ? { message } : {}) };
  }

  /** The request's report this fetcher writes outcomes into (to read back what one fetch recorded). */
  report(context: unknown): RequestReport | undefined {
    return this.reportOf(context);
  }

  private reportOf(context: unknown): RequestReport | undefined {
    if (this.hooks.report) return this.hooks.report(context);
    const report = (context as { report?: RequestReport } | undefined)?.report;
    return report && Array.isArray(report.regions) ? report : undefined;
  }
}

/** Whether a subgraph request only reads (a query), so asking it twice cannot do anything twice. */
function isRead(body: GraphQLBody): boolean {
  try {
    return selectOperation(parse(body.query), body.operationName)?.operation === 'query';
  } catch {
    return false;
  }
}
