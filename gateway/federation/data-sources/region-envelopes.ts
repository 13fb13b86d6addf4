/**
 * Requests to one region that meet under load travel together: one HTTP request and one
 * signature for several officers' requests (an envelope; the token side is in
 * common/security/internal-token.ts). Every request keeps its own token — caller,
 * purpose, body hash, jti, expiry — and the region checks each as if it came alone, so
 * nothing about who may see what changes; what is shared is the HTTP exchange and the
 * Ed25519 signature, the two largest fixed costs of a region request on both sides.
 *
 * Nothing waits to be batched: a request goes alone at once while fewer than
 * `maxInFlight` requests to that region and part are out; beyond that it queues, and
 * whatever queued while they were out leaves as one envelope when one comes back. At a
 * low rate every request goes alone, as before; under load the queue, not a timer,
 * decides the envelope's size.
 *
 * Each request keeps its own deadline (the region's timeout, queueing included): one that
 * passes answers `timeout` for that request alone. An envelope that fails fails each of
 * its requests the same way a request alone would (and counts once at the breaker).
 */
import { BadResponse, graphQLAnswer } from './region-answer.ts';
import type { ContractPart, GraphQLAnswer, RegionAnswer, RegionEntry, RequestSealer, SealedRequest } from './types.ts';

/** What a lane sends through: the region's client (region-client.ts), its breaker, cap and timeout. */
export interface LaneTransport {
  readonly region: RegionEntry;
  post(part: ContractPart, body: string, headers: Record<string, string>): Promise<RegionAnswer>;
  exchange<T>(
    part: ContractPart,
    body: string,
    headers: Record<string, string>,
    read: (text: string, status: number, url: string) => T,
  ): Promise<Omit<RegionAnswer, 'answer'> & { answer?: T }>;
}

export interface EnvelopeSettings {
  /** Requests (alone or enveloped) out to one region and part before the next ones queue. */
  maxInFlight: number;
  /** The most requests in one envelope (at most MAX_ENVELOPE, 64). */
  maxRequests: number;
}

export const DEFAULT_ENVELOPES: EnvelopeSettings = { maxInFlight: 1, maxRequests: 32 };

interface Queued extends SealedRequest {
  started: number;
  sealer: RequestSealer;
  settle(answer: RegionAnswer): void;
}

/** The requests to one region and part: sent alone, or queued and enveloped. */
export class EnvelopeLane {
  private inFlight = 0;
  private queue: Queued[] = [];

  constructor(
    private readonly client: LaneTransport,
    private readonly part: ContractPart,
    private readonly settings: EnvelopeSettings,
  ) {}

  post(request: SealedRequest, sealer: RequestSealer): Promise<RegionAnswer> {
    if (this.inFlight < this.settings.maxInFlight && this.queue.length === 0) return this.alone(request, sealer);
    return new Promise((resolve) => {
      const timeoutMs = this.client.region.timeoutMs;
      let settled = false;
      const queued: Queued = {
        ...request,
        started: performance.now(),
        sealer,
        settle: (answer) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.queue = this.queue.filter((q) => q !== queued);
          resolve(answer);
        },
      };
      const timer = setTimeout(
        () => queued.settle(this.failed(queued, { status: 'timeout', reason: 'timeout', message: `no answer within ${timeoutMs} ms` })),
        timeoutMs,
      );
      this.queue.push(queued);
    });
  }

  /** Whether a request posted now would queue (and so may join an envelope) rather than leave at once. */
  get busy(): boolean {
    return this.inFlight >= this.settings.maxInFlight || this.queue.length > 0;
  }

  /** Answers every queued request as failed (the client is closing). */
  abandon(message: string): void {
    for (const queued of [...this.queue]) queued.settle(this.failed(queued, { status: 'error', reason: 'unreachable', message }));
  }

  private async alone(request: SealedRequest, sealer: RequestSealer): Promise<RegionAnswer> {
    this.inFlight += 1;
    try {
      return await this.client.post(this.part, request.body, { ...request.headers, ...sealer.seal(request.prepared) });
    } finally {
      this.inFlight -= 1;
      this.next();
    }
  }

  /** Sends what queued, while there is room: one request alone, several as an envelope. */
  private next(): void {
    while (this.inFlight < this.settings.maxInFlight && this.queue.length > 0) {
      const taken = this.queue.slice(0, this.settings.maxRequests);
      if (taken.length === 1) {
        const [only] = taken;
        this.queue = this.queue.slice(1);
        void this.alone(only, only.sealer).then(only.settle);
      } else {
        // Taken off the queue when answered (or timed out), not now: `settle` removes each.
        this.queue = this.queue.slice(taken.length);
        void this.envelope(taken);
      }
    }
  }

  private async envelope(requests: readonly Queued[]): Promise<void> {
    this.inFlight += 1;
    try {
      const { region } = this.client;
      const body = JSON.stringify({
        requests: requests.map((r) => ({ token: r.prepared, requestId: r.headers['x-request-id'], body: r.body })),
      });
      const headers = requests[0].sealer.sealEnvelope(
        region.code,
        this.part,
        requests.map((r) => r.prepared),
      );
      const exchanged = await this.client.exchange(this.part, body, headers, envelopeReader(requests.length));
      requests.forEach((request, i) => {
        const answer = exchanged.answer?.[i];
        if (exchanged.status !== 'answered' || answer === undefined) request.settle(this.failed(request, exchanged));
        else if (answer instanceof BadResponse)
          request.settle(this.failed(request, { status: 'error', reason: 'bad-response', message: answer.message }));
        else request.settle({ region, status: 'answered', latencyMs: this.since(request), answer });
      });
    } finally {
      this.inFlight -= 1;
      this.next();
    }
  }

  private failed(request: Queued, how: Pick<RegionAnswer, 'status' | 'reason' | 'message'>): RegionAnswer {
    return { region: this.client.region, status: how.status, reason: how.reason, message: how.message, latencyMs: this.since(request) };
  }

  private since(request: Queued): number {
    return Math.round(performance.now() - request.started);
  }
}

/**
 * An envelope's answers: `{"answers": [{"status", "body"}]}`, one per request in order,
 * each a GraphQL response (or the request's own BadResponse). A region that refused the
 * whole envelope answers one GraphQL error body, which then stands for every request.
 */
function envelopeReader(count: number) {
  return (text: string, status: number, url: string): (GraphQLAnswer | BadResponse)[] => {
    let parsed: { answers?: unknown; errors?: unknown };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BadResponse(status, `HTTP ${status} from ${url}: an envelope's answer is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
    }
    if (parsed && Array.isArray(parsed.errors) && parsed.answers === undefined) {
      const refusal = graphQLAnswer(parsed, status, url, text);
      return Array.from({ length: count }, () => refusal);
    }
    if (!parsed || !Array.isArray(parsed.answers) || parsed.answers.length !== count) {
      throw new BadResponse(
        status,
        `HTTP ${status} from ${url}: expected {"answers": [...]} with ${count} answers, got ${text.slice(0, 120)}`,
      );
    }
    return parsed.answers.map((entry: { status?: unknown; body?: unknown }) => {
      try {
        return graphQLAnswer(entry?.body, typeof entry?.status === 'number' ? entry.status : status, url, JSON.stringify(entry));
      } catch (error) {
        return error as BadResponse;
      }
    });
  };
}
