/**
 * Audit counters for the operator. Plain numbers here (cheap on the hot path); the
 * metrics endpoint exposes them through prom-client with registerAuditMetrics().
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Upper bounds (ms) of the append-latency histogram: group commit should sit in the first few. */
export const LATENCY_BUCKETS_MS = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000];

export class AuditMetrics {
  recordsWritten = 0;
  fsyncBatches = 0;
  failures = 0;
  /**
   * Records that could not even be built (a bug or unexpected input in the audit code,
   * not the sink): the operation was refused all the same. Apart from `failures`, which
   * counts the sink refusing appends, so an operator can tell a full disk from a bug.
   */
  internalErrors = 0;
  checkpoints = 0;
  witnessFailures = 0;
  /** 1 while the sink is refusing appends (fail closed), 0 when healthy. */
  unavailable = 0;
  latencySumMs = 0;
  latencyCount = 0;
  /** Histograms registered on a metrics endpoint; fed each observation. */
  readonly latencyListeners: ((ms: number) => void)[] = [];

  observeAppendLatency(ms: number): void {
    this.latencySumMs += ms;
    this.latencyCount++;
    for (const listener of this.latencyListeners) listener(ms);
  }
}

/** The process-wide counters the gateway's audit log reports into by default. */
export const auditMetrics = new AuditMetrics();

/** Expose the counters on a prom-client registry (values are read at scrape time). */
export function registerAuditMetrics(registry: Registry, metrics: AuditMetrics = auditMetrics): void {
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('liandong_audit_records_written_total', 'Audit records made durable', () => metrics.recordsWritten);
  counter('liandong_audit_fsync_batches_total', 'Group-commit batches (one write + one fsync each)', () => metrics.fsyncBatches);
  counter('liandong_audit_failures_total', 'Audit appends that failed (operation refused with AUDIT_UNAVAILABLE)', () => metrics.failures);
  counter(
    'liandong_audit_internal_errors_total',
    'Audit records that could not be built because of an internal error (operation refused with AUDIT_UNAVAILABLE; the log names the cause)',
    () => metrics.internalErrors,
  );
  counter('liandong_audit_checkpoints_total', 'Signed checkpoints written', () => metrics.checkpoints);
  counter('liandong_audit_witness_failures_total', 'Checkpoints a witness did not accept', () => metrics.witnessFailures);
  new Gauge({
    name: 'liandong_audit_unavailable',
    help: '1 while the audit sink refuses appends',
    registers: [registry],
    collect() {
      this.set(metrics.unavailable);
    },
  });
  registerLatency(registry, metrics);
}

function registerLatency(registry: Registry, metrics: AuditMetrics): void {
  const histogram = new Histogram({
    name: 'liandong_audit_append_seconds',
    help: 'Time from append to durable (group commit included)',
    buckets: LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
    registers: [registry],
  });
  metrics.latencyListeners.push((ms) => histogram.observe(ms / 1000));
}
