/**
 * The HTTP client of one region: keep-alive connection pools, a timeout per request
 * (queueing included), a concurrency cap and a circuit breaker.
 *
 * It never throws: every request ends as a `RegionAnswer` saying whether the region
 * answered, failed, timed out or was not asked because its circuit is open, so a dead
 * or slow region can only ever cost its own timeout. A failure's message and reason are
 * fit for callers (failure-reason.ts); the transport's own text, which names the
 * region's address, goes only to `logFailure` (the operator log).
 */
import { Pool } from 'undici';
import { CircuitBreaker, type Permit } from './breaker.ts';
import { FAILURE_TEXT, failureReason, type FailureReason } from './failure-reason.ts';
import { ConcurrencyLimiter, QueueFullError } from './limiter.ts';
import type { ContractPart, RegionAnswer, RegionEntry, RequestSealer, SealedRequest } from './types.ts';
import { DEFAULT_ENVELOPES, EnvelopeLane, type EnvelopeSettings } from './region-envelopes.ts';
import { BadResponse, parseAnswer } from './region-answer.ts';

export interface RegionClientOptions {
  /** Waiting requests allowed beyond `maxConcurrency` before new ones are refused (default 4 × maxConcurrency). */
  maxQueue?: number;
  /** Breaker settings when the region entry has none. */
  breaker?: { failureThreshold: number; cooldownMs: number };
  /** How long an idle keep-alive connection stays open. */
  keepAliveMs?: number;
  /** The operator log: each failed request with the transport's detail (addresses included). */
  logFailure?: (failure: RegionFailureLog) => void;
  /** Envelopes of concurrent requests (region-envelopes.ts); default DEFAULT_ENVELOPES, `null` sends each alone. */
  envelopes?: EnvelopeSettings | null;
}

export interface RegionFailureLog {
  region: string;
  reason: FailureReason;
  /** What callers were told. */
  message: string;
  /** The transport's own text: for operators only. */
  detail: string;
}

const DEFAULT_BREAKER = { failureThreshold: 5, cooldownMs: 5000 };

/** One HTTP exchange with the region: how it ended and, when it answered, what `read` made of the body. */
export type Exchanged<T> = Omit<RegionAnswer, 'answer'> & { answer?: T };

class TimeoutSignal extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'RegionTimeout';
  }
}

export class RegionClient {
  readonly breaker: CircuitBreaker;
  private readonly limiter: ConcurrencyLimiter;
  private readonly pools = new Map<string, Pool>();
  private readonly lanes = new Map<ContractPart, EnvelopeLane>();

  constructor(
    readonly region: RegionEntry,
    private readonly options: RegionClientOptions = {},
  ) {
    this.breaker = new CircuitBreaker(region.breaker ?? options.breaker ?? DEFAULT_BREAKER);
    this.limiter = new ConcurrencyLimiter(region.maxConcurrency, options.maxQueue ?? region.maxConcurrency * 4);
  }

  /** POSTs a GraphQL body to the region's endpoint for `part`. */
  post(part: ContractPart, body: string, headers: Record<string, string>): Promise<RegionAnswer> {
    return this.exchange(part, body, headers, parseAnswer);
  }

  /**
   * One HTTP request to the region, through its breaker, concurrency cap and timeout;
   * `read` turns the body into the answer (a GraphQL response, or an envelope's answers).
   */
  async exchange<T>(
    part: ContractPart,
    body: string,
    headers: Record<string, string>,
    read: (text: string, status: number, url: string) => T,
  ): Promise<Exchanged<T>> {
    const started = performance.now();
    const permit = this.breaker.permit();
    if (permit === 'refused') {
      const retry = Math.ceil(this.breaker.retryInMs() / 1000);
      return this.ended('circuit-open', started, {
        reason: 'circuit-open',
        message: `${FAILURE_TEXT['circuit-open']}; next trial in ${retry} s`,
      });
    }
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new TimeoutSignal(this.region.timeoutMs)), this.region.timeoutMs);
    let release: (() => void) | undefined;
    try {
      release = await this.limiter.acquire(timeout.signal);
      const answer = await this.send(part, body, headers, timeout.signal, read);
      this.breaker.succeeded();
      return { ...this.ended('answered', started, {}), answer };
    } catch (error) {
      return this.failure(timeout.signal.aborted ? timeout.signal.reason : error, permit, started);
    } finally {
      clearTimeout(timer);
      release?.();
    }
  }

  /**
   * A request whose token is still to be signed: alone at once, or with others that meet
   * it in an envelope when the region is busy (region-envelopes.ts).
   */
  postSealed(part: ContractPart, request: SealedRequest, sealer: RequestSealer): Promise<RegionAnswer> {
    const settings = this.region.envelopes ?? (this.options.envelopes === undefined ? DEFAULT_ENVELOPES : this.options.envelopes);
    if (!settings) return this.post(part, request.body, { ...request.headers, ...sealer.seal(request.prepared) });
    let lane = this.lanes.get(part);
    if (!lane) this.lanes.set(part, (lane = new EnvelopeLane(this, part, settings)));
    return lane.post(request, sealer);
  }

  /** Whether a sealed request to `part` would queue behind others now (see EnvelopeLane.busy). */
  laneBusy(part: ContractPart): boolean {
    return this.lanes.get(part)?.busy ?? false;
  }

  close(): Promise<void> {
    for (const lane of this.lanes.values()) lane.abandon('the region client closed (its settings changed or the gateway is stopping)');
    const closing = [...this.pools.values()].map((pool) => pool.close());
    this.pools.clear();
    return Promise.all(closing).then(() => undefined);
  }

  private async send<T>(
    part: ContractPart,
    body: string,
    headers: Record<string, string>,
    signal: AbortSignal,
    read: (text: string, status: number, url: string) => T,
  ): Promise<T> {
    const url = new URL(this.region.endpoints[part]);
    const response = await this.pool(url.origin).request({
      method: 'POST',
      path: url.pathname + url.search,
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body,
      signal,
    });
    const text = await response.body.text();
    return read(text, response.statusCode, url.href);
  }

  private failure(error: unknown, permit: Permit, started: number): Exchanged<never> {
    if (error instanceof QueueFullError) {
      // Our own backlog, not the region's fault: it says nothing about the region's health.
      this.breaker.abandoned(permit);
      return this.logged(
        this.ended('error', started, { reason: 'overloaded', message: `overloaded at the gateway: ${error.message}` }),
        error.message,
      );
    }
    this.breaker.failed();
    // Undici may reject with its own abort error; the caller passes our reason instead.
    if (error instanceof TimeoutSignal)
      return this.logged(this.ended('timeout', started, { reason: 'timeout', message: error.message }), error.message);
    if (error instanceof BadResponse)
      return this.logged(this.ended('error', started, { reason: 'bad-response', message: error.message }), error.detail);
    const reason = failureReason(error);
    return this.logged(this.ended('error', started, { reason, message: FAILURE_TEXT[reason] }), describe(error));
  }

  private logged(answer: Exchanged<never>, detail: string): Exchanged<never> {
    this.options.logFailure?.({ region: this.region.code, reason: answer.reason!, message: answer.message!, detail });
    return answer;
  }

  private ended(status: RegionAnswer['status'], started: number, rest: Omit<Partial<RegionAnswer>, 'answer'>): Exchanged<never> {
    return { region: this.region, status, latencyMs: Math.round(performance.now() - started), ...rest };
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.region.maxConcurrency,
        keepAliveTimeout: this.options.keepAliveMs ?? 30_000,
        pipelining: 1,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

function describe(error: unknown): string {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code;
  const message = err.cause?.message ?? err.message ?? String(error);
  return code ? `unreachable (${code}: ${message})` : message;
}
