/**
 * Liandong's query-plan executor: @apollo/gateway keeps planning (its planner, its plan
 * cache, its validation), and the plans it makes run here — fetches through the same
 * data sources, each answer merged into the response in place, the response shaped by a
 * shaper compiled once per plan. A plan or request the compiled path does not take goes
 * to Apollo's executeQueryPlan, counted in `liandong_plan_executions_total`.
 *
 *   const executor = createPlanExecutor(config.executor);
 *   new ApolloGateway({ ...options, ...executor.gatewayOptions });
 *
 * The seam: ApolloGateway calls `executeQueryPlan` through its module's exports on every
 * request, and passes along the `telemetry` object of its own options. The module's
 * export is replaced once by a dispatcher; a gateway whose `telemetry` object an executor
 * registered runs on that executor, any other gateway (a second one in the same process,
 * one configured with "engine": "apollo") on Apollo's, untouched.
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import type { FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { GraphQLError, Kind } from 'graphql';
import { apolloExecuteQueryPlan, computeResponse, executeQueryPlanModule, operationFromDocument } from './apollo-internals.ts';
import type { ExecutorConfig } from './config.ts';
import { ExecutorMetrics } from './metrics.ts';
import { unsupportedPart, type QueryPlan } from './plan.ts';
import { runNode, type PlanRun } from './run-plan.ts';
import { compileShaper, NotCompilable, variableDefaults, type Shaper } from './shaper.ts';

export { executorSection, type ExecutorConfig } from './config.ts';

type Obj = Record<string, unknown>;

interface OperationContext {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
}

type RequestContext = PlanRun['requestContext'] & { metrics?: { captureTraces?: boolean }; logger?: { error(message: string): void } };

type ExecuteQueryPlan = (
  queryPlan: QueryPlan,
  serviceMap: Record<string, GraphQLDataSource>,
  requestContext: RequestContext,
  operationContext: OperationContext,
  supergraphSchema: GraphQLSchema,
  apiSchema: unknown,
  telemetry: object | undefined,
) => Promise<{ data?: Obj | null; errors?: readonly unknown[]; extensions?: Obj }>;

export interface PlanExecutor {
  /** Spread into ApolloGateway's options: marks the gateway whose plans this executor runs. */
  gatewayOptions: { telemetry: object };
  metrics: ExecutorMetrics;
  /** Lets the gateway's plans go back to Apollo's executor (at stop). */
  close(): void;
}

/** Executors by the `telemetry` object of the gateway they serve. */
const executors = new WeakMap<object, ExecuteQueryPlan>();

const dispatch: ExecuteQueryPlan = (queryPlan, serviceMap, requestContext, operationContext, supergraphSchema, apiSchema, telemetry) => {
  const execute = (telemetry && executors.get(telemetry)) || (apolloExecuteQueryPlan as ExecuteQueryPlan);
  return execute(queryPlan, serviceMap, requestContext, operationContext, supergraphSchema, apiSchema, telemetry);
};

export function createPlanExecutor(config: ExecutorConfig): PlanExecutor {
  const metrics = new ExecutorMetrics();
  // Apollo reads only optional settings from it (includeDocument, recordExceptions): empty means its defaults.
  const telemetry = {};
  if (config.engine === 'liandong') {
    if (executeQueryPlanModule.executeQueryPlan !== dispatch) executeQueryPlanModule.executeQueryPlan = dispatch;
    executors.set(telemetry, compiledExecutor(metrics));
  }
  return { gatewayOptions: { telemetry }, metrics, close: () => executors.delete(telemetry) };
}

interface Compiled {
  /** Why Apollo's executor runs this plan, or null. */
  fallback: string | null;
  shaper: Shaper | null;
  variableDefaults: Obj | null;
}

function compiledExecutor(metrics: ExecutorMetrics): ExecuteQueryPlan {
  // Per plan object: Apollo's plan cache hands out the same one for every request of an
  // operation, and drops it with the schema, so a shaper lives as long as its plan.
  const compiled = new WeakMap<QueryPlan, Compiled>();
  const compile = (plan: QueryPlan, operationContext: OperationContext): Compiled => {
    const fallback = unsupportedPart(plan.node);
    const defaults = variableDefaults(operationContext.operation);
    if (fallback) return { fallback, shaper: null, variableDefaults: defaults };
    try {
      const shaper = compileShaper(operationContext.schema, operationContext.operation, operationContext.fragments);
      return { fallback: null, shaper, variableDefaults: defaults };
    } catch (error) {
      if (error instanceof NotCompilable) return { fallback: error.label, shaper: null, variableDefaults: defaults };
      throw error;
    }
  };

  return async (queryPlan, serviceMap, requestContext, operationContext, supergraphSchema, apiSchema, telemetry) => {
    let entry = compiled.get(queryPlan);
    if (!entry) {
      entry = compile(queryPlan, operationContext);
      compiled.set(queryPlan, entry);
    }
    const fallback = entry.fallback ?? (requestContext.metrics?.captureTraces ? 'traces' : null);
    if (fallback || !entry.shaper) {
      metrics.fellBack(fallback ?? 'not compiled');
      return apolloExecuteQueryPlan(queryPlan, serviceMap, requestContext, operationContext, supergraphSchema, apiSchema, telemetry);
    }
    const run: PlanRun = { serviceMap, requestContext, supergraphSchema, variableDefaults: entry.variableDefaults, errors: [] };
    const data: Obj = Object.create(null);
    if (queryPlan.node) await runNode(run, queryPlan.node, { path: [], data, fullResult: data });
    const variables = requestContext.request.variables;
    let shaped: { data: Obj | null; errors: GraphQLError[] } | { failed: GraphQLError };
    try {
      shaped = entry.shaper.shape(data, variables);
      metrics.compiled();
    } catch {
      // An answer the compiled shaper does not reproduce itself: Apollo's shaper takes
      // the same data, so the client still gets Apollo's answer (its error included).
      metrics.shapedByApollo();
      shaped = apolloShape(apiSchema, operationContext, data, variables, requestContext);
    }
    if ('failed' in shaped) return { errors: [shaped.failed] };
    if (run.errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
    return run.errors.length === 0 ? { data: shaped.data } : { errors: run.errors, data: shaped.data };
  };
}

/** Apollo's computeResponse over the merged data, with its handling of a shaping failure. */
function apolloShape(
  apiSchema: unknown,
  operationContext: OperationContext,
  input: Obj,
  variables: Obj | undefined,
  requestContext: RequestContext,
): { data: Obj | null; errors: GraphQLError[] } | { failed: GraphQLError } {
  try {
    const operation = operationFromDocument(
      apiSchema,
      { kind: Kind.DOCUMENT, definitions: [operationContext.operation, ...Object.values(operationContext.fragments)] },
      { validate: false },
    );
    const { data, errors } = computeResponse({
      operation,
      variables,
      input,
      introspectionHandling: () => {
        // compile() sends operations with introspection fields to Apollo's executor.
        throw new Error('introspection reached the compiled executor');
      },
    });
    return { data: data as Obj | null, errors };
  } catch (error) {
    if (error instanceof GraphQLError) return { failed: error };
    if (error instanceof Error) return { failed: new GraphQLError(error.message, { originalError: error }) };
    (requestContext.logger ?? console).error(`Unexpected error during query plan execution: ${error}`);
    return { failed: new GraphQLError('Unexpected error during query plan execution') };
  }
}
