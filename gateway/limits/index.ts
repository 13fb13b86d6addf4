/**
 * Limits, wired into Apollo Server (gateway/plugins/index.ts orders them):
 * ```ts
 * const limits = createLimits({ config: config.limits, logger });
 * // Context hooks: after the security hooks (the rate limit reads context.caller).
 * contextHooks: [pin, ...security.contextHooks, limits.rateLimitHook]
 * // Apollo Server plugins: before the audit plugin (a blocked bulk lookup rewrites the
 * // response the audit then records).
 * plugins: [..., authorisation, limits.plugin, ..., audit]
 * limits.bulkLookup.on('alert', (alert) => …); // also logged as `event: "bulk-lookup"`
 * await limits.close();                          // at shutdown (the Redis connection)
 * ```
 * With `limits.store` "redis" the rate-limit buckets and bulk-lookup counts are shared by
 * every replica (limits/shared-rate-limit.ts, limits/shared-bulk-lookup.ts); when Redis
 * cannot answer in time each replica decides alone (limits/shared-counters.ts).
 * Batches (JSON array bodies) never reach here: the HTTP layer refuses them
 * (gateway/http/graphql-request.ts, BATCH_NOT_SUPPORTED).
 * The rate limit is a context hook so that every request counts, even one that fails to
 * parse (429 + Retry-After). In `didResolveOperation` (before planning or any subgraph
 * call) the plugin applies the token, depth, alias and cost limits — once per distinct
 * operation (and, for the cost, per value of the page-size variables it uses), since a
 * verdict depends on nothing else; the page sizes are read from the coerced variables,
 * so a declared default (`$n: Int = 100`) counts as sent. In `willSendResponse` it feeds
 * the bulk-lookup monitor with the persons the response shows — the same set the audit
 * record names (gateway/sent-subjects.ts), whatever fields were selected — and, in
 * block mode, withholds a response that crosses the threshold. Counting may wait on Redis,
 * so the plugin leaves `context.bulkLookupChecked` for the audit to await before it reads
 * the response (Apollo Server starts every willSendResponse at once).
 */
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { GraphQLError, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule } from 'graphql';
import type { GatewayContext } from '../context.ts';
import type { ContextHook } from '../http/context.ts';
import { aliasLimitRule } from './aliases.ts';
import type { BulkLookupAlert } from './bulk-lookup.ts';
import { subjectsSent } from '../sent-subjects.ts';
import { coerceVariables } from '../../common/operations/variables.ts';
import type { LimitsConfig } from './config.ts';
import { costLimitRule, sizeVariables } from './cost.ts';
import { OperationMemo } from '../../common/operations/memo.ts';
import { depthLimitRule } from './depth.ts';
import { LimitsMetrics } from './metrics.ts';
import { SharedBulkLookup } from './shared-bulk-lookup.ts';
import { SharedCounters, type LimitsLogger } from './shared-counters.ts';
import { SharedRateLimiter } from './shared-rate-limit.ts';
import { limitError, LIMIT_CODES } from './refusal.ts';
import { tokenLimitRule } from './tokens.ts';

export interface LimitsOptions {
  config: LimitsConfig;
  logger?: LimitsLogger;
}

export interface Limits {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Per-officer rate limit; list it after the authentication hook. */
  rateLimitHook: ContextHook;
  bulkLookup: SharedBulkLookup;
  /** `liandong_limits_*` (fallbacks to per-process counts); add it to /metrics. */
  metrics: LimitsMetrics;
  /** Closes the Redis connection of the shared counts (after the last request). */
  close(): Promise<void>;
}

export function createLimits({ config, logger = consoleLogger }: LimitsOptions): Limits {
  const metrics = new LimitsMetrics();
  const counters =
    config.store === 'redis' ? new SharedCounters({ url: config.redisUrl!, timeoutMs: config.redisTimeoutMs, metrics, logger }) : null;
  const rateLimiter = new SharedRateLimiter(config.rateLimit, counters);
  const bulkLookup = new SharedBulkLookup(config.bulkLookup, counters);
  bulkLookup.on('alert', (alert: BulkLookupAlert) => {
    logger.warn(
      { event: 'bulk-lookup', ...alert },
      `bulk lookup: ${alert.caller} viewed ${alert.distinctPersons} distinct persons within ${alert.windowSeconds}s (threshold ${alert.threshold})`,
    );
  });
  const staticRules = [tokenLimitRule(config.maxTokens), depthLimitRule(config.maxDepth), aliasLimitRule(config.maxAliases)];
  const staticVerdicts = new OperationMemo<GraphQLError | null>();
  const costVerdicts = new OperationMemo<GraphQLError | null>(256);

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operation }) {
          // Coerced only when a page size comes from a variable (most operations need none).
          const variables = sizeVariables(document).length > 0 ? sizesAsExecuted(schema, operation, request.variables) : {};
          const refused =
            staticVerdicts.get(schema, document, '', () => firstError(schema, document, staticRules)) ??
            costVerdicts.get(schema, document, JSON.stringify(sizeVariables(document).map((name) => variables[name] ?? null)), () =>
              firstError(schema, document, [costLimitRule(config, variables)]),
            );
          if (refused) throw copyOf(refused);
        },
        // The audit's willSendResponse starts alongside this one: it awaits the promise left
        // here (set before this hook's first await) so that it records any rewrite.
        async willSendResponse(requestContext) {
          const checked = withholdBulkLookup(requestContext, bulkLookup);
          requestContext.contextValue.bulkLookupChecked = checked;
          await checked;
        },
      };
    },
  };

  const rateLimitHook: ContextHook = async (context) => {
    const rate = await rateLimiter.take(callerKey(context));
    if (!rate.allowed) {
      throw limitError(
        LIMIT_CODES.rate,
        `Too many requests from this officer; retry in ${rate.retryAfterSeconds} s (limit: ${config.rateLimit.perSecond}/s, bursts of ${config.rateLimit.burst}).`,
        429,
        { 'retry-after': String(rate.retryAfterSeconds) },
      );
    }
  };

  return {
    plugin,
    rateLimitHook,
    bulkLookup,
    metrics,
    close: async () => counters?.close(),
  };
}

function firstError(schema: GraphQLSchema, document: DocumentNode, rules: readonly ValidationRule[]): GraphQLError | null {
  return validate(schema, document, rules)[0] ?? null;
}

/** A fresh error per refusal: Apollo Server takes `extensions.http` off the error it is given. */
function copyOf(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions } });
}

/**
 * The variables as execution will see them (declared defaults applied). Variables that do
 * not fit their declarations are judged as sent: execution refuses them with
 * BAD_USER_INPUT anyway, and the cost rule ignores what is not a number.
 */
function sizesAsExecuted(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode | undefined,
  raw: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!operation) return raw ?? {};
  try {
    return coerceVariables(schema, operation, raw);
  } catch {
    return raw ?? {};
  }
}

async function withholdBulkLookup(requestContext: GraphQLRequestContext<GatewayContext>, monitor: SharedBulkLookup): Promise<void> {
  const body = requestContext.response.body;
  if (body?.kind !== 'single' || !body.singleResult.data) return;
  const ids = subjectsSent({
    schema: requestContext.schema,
    document: requestContext.document,
    operationName: requestContext.operationName,
    variables: requestContext.request.variables,
    data: body.singleResult.data,
    context: requestContext.contextValue,
  }).persons;
  if (ids.length === 0) return;
  const decision = await monitor.record(callerKey(requestContext.contextValue), ids);
  if (decision.allowed) return;
  const message = `Response withheld: it would show this officer ${decision.wouldBe} distinct persons within ${decision.windowSeconds} s; the limit is ${decision.threshold}. Persons already viewed remain available.`;
  body.singleResult = { errors: [{ message, extensions: { code: LIMIT_CODES.bulk } }] };
  requestContext.response.http.status = 403;
}

/** Rate limits and bulk lookups are per officer; anonymous development access per client address. */
function callerKey(context: GatewayContext): string {
  return context.caller && !context.caller.anonymous ? `sub:${context.caller.sub}` : `address:${context.clientAddress}`;
}

const consoleLogger = {
  warn(object: object, message: string) {
    console.warn(JSON.stringify({ level: 'warn', msg: message, ...object }));
  },
};
