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
import type { ContractPart, GraphQLAnswer, RegionAnswer, RegionEntry } from './types.ts';

export interface RegionClientOptions {
  /** Waiting requests allowed beyond `maxConcurrency` before new ones are refused (default 4 × maxConcurrency). */
  maxQueue?: number;
  /** Breaker settings when the region entry has none. */
  breaker?: { failureThreshold: number; cooldownMs: number };
  /** How long an idle keep-alive connection stays open. */
  keepAliveMs?: number;
  /** The operator log: each failed request with the transport's detail (addresses included). */
  logFailure?: (failure: RegionFailureLog) => void;
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

/** The region answered, but not with a GraphQL response; `detail` (its URL, the body) is for the log. */
class BadResponse extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`it answered HTTP ${status} with something other than a GraphQL response`);
    this.name = 'BadResponse';
  }
}

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

  constructor(
    readonly region: RegionEntry,
    private readonly options: RegionClientOptions = {},
  ) {
    this.breaker = new CircuitBreaker(region.breaker ?? options.breaker ?? DEFAULT_BREAKER);
    this.limiter = new ConcurrencyLimiter(region.maxConcurrency, options.maxQueue ?? region.maxConcurrency * 4);
  }

  /** POSTs a GraphQL body to the region's endpoint for `part`. */
  async post(part: ContractPart, body: string, headers: Record<string, string>): Promise<RegionAnswer> {
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
      const answer = await this.send(part, body, headers, timeout.signal);
      this.breaker.succeeded();
      return this.ended('answered', started, { answer });
    } catch (error) {
      return this.failure(timeout.signal.aborted ? timeout.signal.reason : error, permit, started);
    } finally {
      clearTimeout(timer);
      release?.();
    }
  }

  close(): Promise<void> {
    const closing = [...this.pools.values()].map((pool) => pool.close());
    this.pools.clear();
    return Promise.all(closing).then(() => undefined);
  }

  private async send(part: ContractPart, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<GraphQLAnswer> {
    const url = new URL(this.region.endpoints[part]);
    const response = await this.pool(url.origin).request({
      method: 'POST',
      path: url.pathname + url.search,
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body,
      signal,
    });
    const text = await response.body.text();
    return parseAnswer(text, response.statusCode, url.href);
  }

  private failure(error: unknown, permit: Permit, started: number): RegionAnswer {
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

  private logged(answer: RegionAnswer, detail: string): RegionAnswer {
    this.options.logFailure?.({ region: this.region.code, reason: answer.reason!, message: answer.message!, detail });
    return answer;
  }

  private ended(status: RegionAnswer['status'], started: number, rest: Partial<RegionAnswer>): RegionAnswer {
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

/**
 * A GraphQL answer, or an error saying what came back instead. A region's GraphQL
 * errors (even with HTTP 4xx, as GraphQL-over-HTTP servers send for invalid requests)
 * count as an answer: the region is up and said something.
 */
function parseAnswer(text: string, status: number, url: string): GraphQLAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadResponse(status, `HTTP ${status} from ${url} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
  const body = parsed as GraphQLAnswer;
  if (typeof body !== 'object' || body === null || (!('data' in body) && !Array.isArray(body.errors))) {
    throw new BadResponse(
      status,
      `HTTP ${status} from ${url}: expected a GraphQL response with "data" or "errors", got ${text.slice(0, 120)}`,
    );
  }
  return body;
}

function describe(error: unknown): string {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code;
  const message = err.cause?.message ?? err.message ?? String(error);
  return code ? `unreachable (${code}: ${message})` : message;
}
