/**
 * The gateway's own Prometheus metrics: GraphQL requests by operation and outcome,
 * request latency per operation, region fetch latency per region, errors by
 * `extensions.code`, and the Node.js process metrics.
 *
 * Each gateway owns its registry (several gateways may run in one test process);
 * /metrics merges it with the audit and cache registries at scrape time (exposition.ts).
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { AuditOutcome } from '../../common/audit/outcome.ts';
import type { RegionOutcome } from '../context.ts';
import { OperationLabels, type OperationLabelOptions } from './operation-labels.ts';

/** Seconds; a cross-region query should sit well under the 0.5 s bucket. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const REGION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface RequestObservation {
  operationName: string | null | undefined;
  outcome: AuditOutcome;
  durationMs: number;
  errorCodes: readonly string[];
  regions: readonly RegionOutcome[];
  /** Who sent it: operation names earn their own label from several distinct officers. */
  caller?: { sub: string } | null;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operations: OperationLabels;
  private readonly requests = new Counter({
    name: 'liandong_graphql_requests_total',
    help: 'GraphQL requests, by operation name and outcome (as the audit log names them: answered, partial, denied, invalid, rate-limited, failed, unauthenticated).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'liandong_graphql_request_duration_seconds',
    help: 'Time from the request context being built to the response being sent, by operation name.',
    labelNames: ['operation'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'liandong_graphql_errors_total',
    help: 'Errors sent to clients, by extensions.code (one per error, several per response possible).',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  private readonly regionFetches = new Histogram({
    name: 'liandong_region_fetch_duration_seconds',
    help: 'Latency of each subgraph fetch sent to a region, by region, subgraph part and status (hit, miss, error, timeout, cached…).',
    labelNames: ['region', 'subgraph', 'status'] as const,
    buckets: REGION_BUCKETS,
    registers: [this.registry],
  });

  constructor(options: { operationLabels?: OperationLabelOptions; processMetrics?: boolean } = {}) {
    this.operations = new OperationLabels(options.operationLabels);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  observe(request: RequestObservation): void {
    const operation = this.operations.label(request.operationName, request.caller?.sub);
    this.requests.inc({ operation, outcome: request.outcome });
    this.duration.observe({ operation }, request.durationMs / 1000);
    for (const code of request.errorCodes) this.errors.inc({ code });
    for (const r of request.regions) {
      this.regionFetches.observe({ region: r.region, subgraph: r.subgraph, status: r.status }, r.latencyMs / 1000);
    }
  }
}
