/**
 * How many operations each executor ran, and why an operation went to Apollo's: a plan
 * the compiled path does not run (condition, defer, rewrites …), an operation it does
 * not compile (introspection), a request capturing usage traces, or a response the
 * compiled shaper handed to Apollo's (an invalid value from a subgraph).
 */
import { Counter, Registry } from 'prom-client';

export type ExecutionPath = 'compiled' | 'apollo';

export class ExecutorMetrics {
  readonly registry = new Registry();
  private readonly executions = new Counter({
    name: 'liandong_plan_executions_total',
    help: "Query plans executed, by executor (compiled: Liandong's; apollo: the fallback) and the reason for a fallback",
    labelNames: ['executor', 'reason'] as const,
    registers: [this.registry],
  });

  compiled(): void {
    this.executions.inc({ executor: 'compiled', reason: 'none' });
  }

  /** The whole operation went to Apollo's executeQueryPlan. */
  fellBack(reason: string): void {
    this.executions.inc({ executor: 'apollo', reason });
  }

  /** Executed by the compiled path, shaped by Apollo's computeResponse. */
  shapedByApollo(): void {
    this.executions.inc({ executor: 'compiled', reason: 'apollo shaping' });
  }
}
