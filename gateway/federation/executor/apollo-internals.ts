/**
 * The parts of @apollo/gateway this executor runs beside: the module whose
 * `executeQueryPlan` ApolloGateway calls for every operation (read through the module's
 * exports at call time, which is the only seam between Apollo's planner and its executor),
 * its result shaper, and @apollo/federation-internals' operation builder.
 *
 * Loaded from @apollo/gateway's own location so they are the very copies the gateway
 * runs (federation-internals is its dependency, not ours). Only the fallback paths use
 * `computeResponse` and `operationFromDocument`; the compiled path uses neither.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GraphQLError } from 'graphql';

const gatewayRequire = createRequire(import.meta.url);
const gatewayMain = gatewayRequire.resolve('@apollo/gateway');
const fromGateway = createRequire(gatewayMain);

type Fn = (...args: any[]) => any;

/** `dist/executeQueryPlan.js`: ApolloGateway reads `executeQueryPlan` from this object on each call. */
export const executeQueryPlanModule: { executeQueryPlan: Fn } = fromGateway(join(dirname(gatewayMain), 'executeQueryPlan.js'));

/** Apollo's own executor, kept for the operations the compiled path does not take. */
export const apolloExecuteQueryPlan: Fn = executeQueryPlanModule.executeQueryPlan;

const resultShaping: {
  computeResponse: (args: {
    operation: unknown;
    variables: Record<string, unknown> | undefined;
    input: Record<string, unknown>;
    introspectionHandling: Fn;
  }) => { data: unknown; errors: GraphQLError[] };
} = fromGateway(join(dirname(gatewayMain), 'resultShaping.js'));

export const computeResponse = resultShaping.computeResponse;

const federationInternals: { operationFromDocument: Fn } = fromGateway('@apollo/federation-internals');

export const operationFromDocument = federationInternals.operationFromDocument;
