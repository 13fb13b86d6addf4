/**
 * Opening a subscription: who (the same authentication and purpose hooks a query
 * passes), what (parsed and validated against the gateway's API schema; exactly one
 * `watch`, `alerts` or `assistanceUpdates` field), within which limits — then the stream, resumed after the
 * client's last event id if it sent one. A refusal is audited (like any refused request
 * to /graphql) and answered with a stable code; nothing is subscribed.
 */
import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
} from 'graphql';
import { normaliseIdNumber, normalisePlate, quoteInput } from '../../common/normalise/index.ts';
import { HttpError } from '../../common/http/respond.ts';
import type { Caller, GatewayContext } from '../context.ts';
import { bareContext, type ContextHook } from '../http/context.ts';
import { onBehalfOf } from '../http/loopback-client.ts';
import type { HttpRequestInfo } from '../http/request.ts';
import type { LiveConfig } from './config.ts';
import { isAssistanceKind, type LiveKind } from './events.ts';
import type { LiveHub, SubscriptionFilter } from './hub.ts';
import type { LiveMetrics } from './metrics.ts';
import { QueryPlan } from './query-plan.ts';
import { LiveSubscription } from './subscription.ts';
import { resolver, type Loopback } from './resolve.ts';

export interface SubscribeRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

export interface SubscribeDeps {
  config: LiveConfig;
  hub: LiveHub;
  metrics: LiveMetrics;
  schema: () => GraphQLSchema | null;
  regions: () => readonly string[];
  /** Authentication and purpose: the hooks a query's context passes. */
  contextHooks: readonly ContextHook[];
  /** Audits a refusal and says what to answer (gateway/audit/refusals.ts); rejects when it cannot audit. */
  onRefusal?: (context: GatewayContext, error: unknown) => Promise<unknown>;
  loopback: Loopback;
  /** The audit log: the subscribe itself is recorded (null only with audit.sink "off"). */
  recordSubscribe: RecordSubscribe | null;
}

/**
 * Writes the subscribe request's audit record (gateway/audit/subscription.ts, handed in
 * by plugins/index.ts); resolves once durable, rejects when the audit log cannot record.
 */
export type RecordSubscribe = (
  context: GatewayContext,
  subscribe: { text: string; operationName: string | null; variables: Record<string, unknown> | null; field: string },
) => Promise<void>;

export type Opened = { subscription: LiveSubscription } | { refused: HttpError };

export async function openSubscription(
  deps: SubscribeDeps,
  info: HttpRequestInfo,
  request: SubscribeRequest | HttpError,
  lastEventId: string | null,
): Promise<Opened> {
  const context = bareContext(info);
  try {
    for (const hook of deps.contextHooks) await hook(context, info);
    // A subscribe whose body could not be read (too large, cut off) is refused here, after
    // authentication, so its audit record names the caller like any refused request.
    if (request instanceof HttpError) throw request;
    const { subscription, field } = prepare(deps, context, info, request);
    await recordSubscribe(deps.recordSubscribe, context, request, field).catch((error: unknown) => {
      void subscription.return();
      throw error;
    });
    if (lastEventId) for (const event of deps.hub.resume(subscription, lastEventId, deps.config.queueLimit)) subscription.offer(event);
    deps.hub.add(subscription);
    return { subscription };
  } catch (error) {
    const refused = asHttpError(error);
    deps.metrics.refused.inc({ code: refused.code });
    if (!deps.onRefusal) return { refused };
    try {
      return { refused: asHttpError(await deps.onRefusal(context, refused)) };
    } catch {
      return { refused: new HttpError(503, 'AUDIT_UNAVAILABLE', 'The audit log cannot record this request, so it is refused.') };
    }
  }
}

/**
 * The subscribe request leaves its own record, like every request to /graphql: who
 * watches what (the watched keys are in its variables or text), under which purpose. Its
 * events are recorded one by one as they are pushed. No record, no subscription.
 */
async function recordSubscribe(
  record: RecordSubscribe | null,
  context: GatewayContext,
  request: SubscribeRequest,
  field: string,
): Promise<void> {
  if (!record) return;
  try {
    await record(context, {
      text: String(request.query),
      operationName: typeof request.operationName === 'string' ? request.operationName : null,
      variables: (request.variables ?? null) as Record<string, unknown> | null,
      field,
    });
  } catch {
    throw new HttpError(503, 'AUDIT_UNAVAILABLE', 'The audit log cannot record this subscription, so it is refused.');
  }
}

function prepare(
  deps: SubscribeDeps,
  context: GatewayContext,
  info: HttpRequestInfo,
  request: SubscribeRequest,
): { subscription: LiveSubscription; field: string } {
  const caller = context.caller;
  // The subscription fields are @authenticated: even where the gateway allows anonymous queries, a stream needs a token.
  if (!caller || caller.anonymous)
    throw new HttpError(
      401,
      'UNAUTHENTICATED',
      'Subscriptions need a bearer token (Authorization header; for WebSocket in the connection_init payload).',
    );
  const schema = deps.schema();
  if (!schema) throw new HttpError(503, 'NOT_READY', 'The gateway has not loaded its schema yet; retry shortly.');
  if (typeof request.query !== 'string')
    throw bad('BAD_REQUEST', `"query" must be a string holding a subscription, got ${typeof request.query}.`);
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    throw bad('GRAPHQL_PARSE_FAILED', (error as Error).message);
  }
  const errors = validate(schema, document);
  if (errors.length) throw bad('GRAPHQL_VALIDATION_FAILED', errors.map((e) => e.message).join(' '));
  const operationName = typeof request.operationName === 'string' ? request.operationName : null;
  const operation = getOperationAST(document, operationName);
  if (!operation)
    throw bad('OPERATION_RESOLUTION_FAILURE', `No operation ${operationName ? `named "${operationName}" ` : ''}to run in the document.`);
  if (operation.operation !== 'subscription')
    throw bad(
      'SUBSCRIPTION_REQUIRED',
      `The operation is a ${operation.operation}: this endpoint (event stream / WebSocket) serves subscriptions; send queries with POST /graphql.`,
    );
  const fields = operation.selectionSet.selections;
  if (fields.length !== 1 || fields[0].kind !== Kind.FIELD)
    throw bad('BAD_USER_INPUT', 'A subscription selects exactly one root field (watch, alerts or assistanceUpdates), without fragments.');
  const root = fields[0] as FieldNode;
  const subscriptionType = schema.getSubscriptionType()!;
  const fieldDef = subscriptionType.getFields()[root.name.value];
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], (request.variables ?? {}) as Record<string, unknown>);
  if (variables.errors) throw bad('BAD_USER_INPUT', variables.errors.map((e) => e.message).join(' '));
  const args = getArgumentValues(fieldDef, root, variables.coerced);
  const filter = filterOf(root.name.value, args, deps, caller);
  const limit = deps.config.maxSubscriptionsPerOfficer;
  if (deps.hub.officerCount(caller.sub) >= limit)
    throw new HttpError(
      429,
      'TOO_MANY_SUBSCRIPTIONS',
      `Officer ${caller.sub} already holds ${limit} subscriptions (live.maxSubscriptionsPerOfficer); close one first.`,
    );
  const plan = new QueryPlan(document, operation, (request.variables ?? {}) as Record<string, unknown>);
  const subscription: LiveSubscription = new LiveSubscription(
    caller.sub,
    filter,
    resolver(deps.loopback, plan, filter, forwardedHeaders(info)),
    deps.config,
    deps.metrics,
    (closed) => deps.hub.remove(closed),
  );
  subscription.expireAt(tokenExpiry(info));
  return { subscription, field: root.name.value };
}

/** What `alerts` follows when no `kinds` are named: what it followed before assistance kinds existed. */
const KINDS: readonly LiveKind[] = ['WANTED_NOTICE', 'VEHICLE_ALERT'];
const ASSISTANCE_SCOPES = ['assistance:request', 'assistance:answer'];

/** Assistance events are about requests: a subscriber needs a scope that may read one (as `assistanceRequest(id)` does). */
function needsAssistanceScope(caller: Caller, what: string): void {
  if (ASSISTANCE_SCOPES.some((scope) => caller.scopes.has(scope))) return;
  throw new HttpError(
    403,
    'FORBIDDEN',
    `${what} needs the scope assistance:request or assistance:answer; officer ${caller.sub} has neither.`,
  );
}

function filterOf(field: string, args: Record<string, unknown>, deps: SubscribeDeps, caller: Caller): SubscriptionFilter {
  const party = { officer: caller.sub, region: caller.region };
  if (field === 'assistanceUpdates') {
    needsAssistanceScope(caller, 'assistanceUpdates');
    return { field, ids: requestIds(args.ids as string[] | undefined, deps), party };
  }
  if (field === 'alerts') {
    const known = new Set(deps.regions());
    const regions = args.regions as string[] | undefined;
    for (const code of regions ?? []) {
      if (!known.has(code))
        throw bad(
          'BAD_USER_INPUT',
          `alerts(regions:) names ${quoteInput(code)}, which is not a registered region (${[...known].join(', ')}).`,
        );
    }
    const kinds = (args.kinds as LiveKind[] | undefined) ?? KINDS;
    if (kinds.some(isAssistanceKind)) needsAssistanceScope(caller, 'alerts(kinds:) with ASSISTANCE_STATUS or ASSISTANCE_OVERDUE');
    return { field: 'alerts', regions: regions?.length ? new Set(regions) : null, kinds: new Set(kinds), party };
  }
  const idNumbers = normalised((args.idNumbers as string[] | undefined) ?? [], 'idNumbers', normaliseIdNumber);
  const plates = normalised((args.plates as string[] | undefined) ?? [], 'plates', normalisePlate);
  const count = idNumbers.size + plates.size;
  if (count === 0) throw bad('BAD_USER_INPUT', 'watch needs at least one identity number (idNumbers:) or plate (plates:).');
  if (count > deps.config.maxWatchedKeys)
    throw bad(
      'BAD_USER_INPUT',
      `watch names ${count} identity numbers and plates; at most ${deps.config.maxWatchedKeys} (live.maxWatchedKeys).`,
    );
  return { field: 'watch', idNumbers, plates };
}

/** `assistanceUpdates(ids:)`: Liandong ids (`GZ:XC…`) of registered regions, at most `live.maxWatchedKeys`; null when omitted. */
function requestIds(ids: readonly string[] | undefined, deps: SubscribeDeps): Set<string> | null {
  if (ids === undefined || ids === null) return null;
  if (ids.length === 0)
    throw bad(
      'BAD_USER_INPUT',
      'assistanceUpdates(ids:) is empty: name at least one request id, or leave ids out for your own requests and inbox.',
    );
  if (ids.length > deps.config.maxWatchedKeys)
    throw bad(
      'BAD_USER_INPUT',
      `assistanceUpdates names ${ids.length} requests; at most ${deps.config.maxWatchedKeys} (live.maxWatchedKeys).`,
    );
  const known = new Set(deps.regions());
  ids.forEach((id, i) => {
    const region = /^([A-Z]{2,8}):[^\s:]{1,64}$/.exec(id)?.[1];
    if (!region || !known.has(region))
      throw bad(
        'BAD_USER_INPUT',
        `assistanceUpdates(ids:) item ${i} ${quoteInput(id)}: expected a request id "<REGION>:<id>" of a registered region (${[...known].join(', ')}), as requestAssistance returned it.`,
      );
  });
  return new Set(ids);
}

function normalised(values: readonly string[], argument: string, normalise: (value: string) => string): Set<string> {
  return new Set(
    values.map((value, i) => {
      try {
        return normalise(value);
      } catch (error) {
        throw bad('BAD_USER_INPUT', `watch(${argument}:) item ${i} ${quoteInput(value)}: ${(error as Error).message}`);
      }
    }),
  );
}

/** The subscriber's token and purpose, sent with every event's query. */
/** The subscriber's credentials, purpose, user agent and (proven by the loopback key) address, for each event's query. */
function forwardedHeaders(info: HttpRequestInfo): Record<string, string> {
  const headers: Record<string, string> = onBehalfOf(info.clientAddress);
  for (const name of ['authorization', 'x-purpose', 'user-agent']) {
    const value = info.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** The token's `exp` (already verified by the authentication hook), or null without a token. */
function tokenExpiry(info: HttpRequestInfo): number | null {
  const header = info.headers.authorization;
  const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  if (!token) return null;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : null;
  } catch {
    return null;
  }
}

function bad(code: string, message: string): HttpError {
  return new HttpError(400, code, message);
}

/** Context hooks refuse with a GraphQLError carrying `extensions.http.status`; the rest with HttpError. */
export function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof GraphQLError) {
    const http = error.extensions.http as { status?: number } | undefined;
    return new HttpError(http?.status ?? 400, String(error.extensions.code ?? 'BAD_REQUEST'), error.message);
  }
  return new HttpError(500, 'INTERNAL_SERVER_ERROR', 'The subscription could not be opened.');
}
