/**
 * Audit, fail closed: one durable audit record for every GraphQL operation before its
 * response leaves — answered, partial, denied, invalid, rate-limited, failed, cache hits
 * included. Apollo Server awaits `willSendResponse`, so the response is held until the
 * record's fsync. If the record cannot be made durable the response is replaced by an
 * AUDIT_UNAVAILABLE error with no data (the log itself raises the operator alert and
 * counts the failure). A record that cannot even be built — an error in the audit code
 * itself — is refused the same way, logged here with its cause and counted apart
 * (`liandong_audit_internal_errors_total`). Every response carries `extensions.auditId`.
 * `context.audited` settles once the response is final, for the plugins that report it.
 *
 * Requests refused by the HTTP layer before GraphQL (401, 413, 429…) are recorded
 * through recordHttpRefusal(), which the gateway core calls.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import { AuditUnavailableError } from '../../common/log/errors.ts';
import { openAuditServices, type AuditServices } from './audit-log.ts';
import { createAuditGraph } from './graph.ts';
import { AuditMetrics } from '../../common/log/metrics.ts';
import { regionWitnesses } from '../../common/log/witness.ts';
import type { GatewayContext } from '../context.ts';
import type { OwnSubgraphModule } from '../own-subgraph/module.ts';
import type { GatewayRuntime, GatewayServices } from '../services.ts';
import { hasAnyData } from '../../common/audit/outcome.ts';
import { requestedCoordinates } from './operation.ts';
import { AuditRecorder } from './recorder.ts';
import { refuseUnaudited } from '../../common/audit/refusal.ts';
import { emptySubjects } from '../../common/audit/subjects.ts';
import { subjectsSent } from '../sent-subjects.ts';
import { activeTraceId, tracingState } from '../../common/tracing/spans.ts';

type ResponseContext = GraphQLRequestContextWillSendResponse<GatewayContext>;

export interface AuditPluginOptions {
  /** Where an internal audit error is reported with its cause (the sink's own failures are logged by the log). */
  logger?: Pick<Logger, 'error'>;
  /** Counts internal audit errors (`internalErrors`). */
  metrics?: AuditMetrics;
}

export function createAuditPlugin(recorder: AuditRecorder, options: AuditPluginOptions = {}): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      let settle!: () => void;
      contextValue.audited = new Promise<void>((resolve) => {
        settle = resolve;
      });
      return {
        async willSendResponse(requestContext) {
          try {
            // A withheld bulk lookup is what the client gets, so it is what is recorded.
            await requestContext.contextValue.bulkLookupChecked?.catch(() => {});
            await auditResponse(recorder, requestContext, options);
          } finally {
            settle();
          }
        },
      };
    },
  };
}

async function auditResponse(recorder: AuditRecorder, rc: ResponseContext, options: AuditPluginOptions): Promise<void> {
  const body = rc.response.body;
  // Incremental delivery is not offered by the gateway; audit its initial result all the same.
  const result = body.kind === 'single' ? body.singleResult : body.initialResult;
  const context = rc.contextValue;
  try {
    await recorder.record({ ...requestFacts(context), ...operationFacts(rc, result), httpStatus: rc.response.http.status ?? 200 });
    result.extensions = { ...result.extensions, auditId: context.requestId };
  } catch (error) {
    // The log has already raised the alert and counted a sink failure; anything else is ours.
    if (!(error instanceof AuditUnavailableError)) reportInternalError(error, context.requestId, options);
    refuseUnaudited(rc.response, context.requestId); // nothing of the answer leaves without its record
  }
}

function reportInternalError(error: unknown, auditId: string, { logger, metrics }: AuditPluginOptions): void {
  if (metrics) metrics.internalErrors++;
  const err = error instanceof Error ? error : new Error(String(error));
  (logger ?? consoleLogger).error(
    { alert: 'AUDIT_UNAVAILABLE', reason: 'internal-error', auditId, err },
    `ALERT audit record could not be built (${err.name}: ${err.message}); the operation is refused (fail closed)`,
  );
}

const consoleLogger: Pick<Logger, 'error'> = {
  error: ((object: object, message: string) =>
    console.error(JSON.stringify({ level: 'error', msg: message, ...object }))) as Logger['error'],
};

/** Who, from where, why, and what the regions said — all from the per-request context. */
/** Who asked, when, from where and why: the part of every record a request's context gives. */
export function callerFacts(context: GatewayContext) {
  return {
    auditId: context.requestId,
    startedAt: context.startedAt,
    clientAddress: context.clientAddress,
    userAgent: context.userAgent,
    caller: context.caller,
    purpose: context.purpose,
  };
}

export function requestFacts(context: GatewayContext) {
  return {
    ...callerFacts(context),
    denied: (context.denied ?? []).map((d) => d.coordinate),
    regions: context.report?.regions ?? [],
    // Runs inside the request's span: the trace and the audit record name each other.
    ...(tracingState.on ? { traceId: activeTraceId() } : {}),
  };
}

function operationFacts(rc: ResponseContext, result: FormattedExecutionResult) {
  const document = rc.document;
  const variables = rc.request.variables ?? {};
  return {
    operationText: rc.source ?? null,
    // Apollo Server's queryHash is the SHA-256 of that text: no need to hash it again.
    ...(rc.source && rc.queryHash ? { operationTextHash: rc.queryHash } : {}),
    operationName: rc.operationName ?? rc.request.operationName ?? null,
    documentId: rc.contextValue.trustedDocumentId ?? null,
    operationType: rc.operation?.operation ?? null,
    variables,
    requested: document ? requestedCoordinates(rc.schema, document, rc.operationName) : [],
    subjects: subjectsSent({
      schema: rc.schema,
      document,
      operationName: rc.operationName,
      variables,
      data: result.data,
      context: rc.contextValue,
    }),
    errorCodes: (result.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')),
    hasData: hasAnyData(result.data),
  };
}

/** A request the HTTP layer refused before GraphQL ran. */
export interface HttpRefusal {
  status: number;
  /** The `extensions.code` (or equivalent) sent to the client: UNAUTHENTICATED, PAYLOAD_TOO_LARGE, RATE_LIMITED… */
  code: string;
  /** The query text, when the body was read and parsed; null for e.g. an oversized body. */
  query?: string | null;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * Record an HTTP-level refusal. Resolves with the audit id once durable; rejects with
 * AuditUnavailableError otherwise — then answer 503 with code AUDIT_UNAVAILABLE instead.
 */
export async function recordHttpRefusal(recorder: AuditRecorder, context: GatewayContext, refusal: HttpRefusal): Promise<string> {
  await recorder.record({
    ...requestFacts(context),
    operationText: refusal.query ?? null,
    operationName: refusal.operationName ?? null,
    operationType: null,
    variables: refusal.variables ?? {},
    requested: [],
    subjects: emptySubjects(),
    errorCodes: [refusal.code],
    hasData: false,
    httpStatus: refusal.status,
  });
  return context.requestId;
}

/** The opened audit services of each running gateway, keyed by its config object (several gateways may share a process in tests). */
const openedAudits = new WeakMap<object, AuditServices>();

/** The auditor queries for the own subgraph; they find the gateway's audit index once it is open. */
export function auditGraphModule(services: GatewayServices): OwnSubgraphModule {
  return createAuditGraph(() => {
    const audit = openedAudits.get(services.config);
    return audit?.index ? { index: audit.index, operations: audit.operations } : null;
  }) as OwnSubgraphModule;
}

export interface GatewayAudit {
  /** Null when auditing is off (development benchmarks only). */
  plugin: ApolloServerPlugin<GatewayContext> | null;
  /** For the HTTP layer's refusals: recordHttpRefusal(audit.recorder, context, refusal). */
  recorder: AuditRecorder | null;
  services: AuditServices | null;
  /** For /readyz: false while the audit sink refuses appends (every operation is then refused). */
  ready(): boolean;
  /** This gateway's audit counters (records, fsync batches, failures, latency), for /metrics. */
  metrics: AuditMetrics;
  close(): Promise<void>;
}

/** Open the gateway's audit log (config section `audit`), with every region's subgraph as a checkpoint witness. */
export async function openGatewayAudit(runtime: GatewayRuntime): Promise<GatewayAudit> {
  if (runtime.config.audit.sink === 'off') {
    runtime.logger.warn('audit is OFF (audit.sink "off", development only): operations are not recorded');
    return { plugin: null, recorder: null, services: null, ready: () => true, metrics: new AuditMetrics(), close: async () => undefined };
  }
  const metrics = new AuditMetrics();
  const audit = await openAuditServices(runtime.config.audit, {
    metrics,
    logger: runtime.logger,
    witnesses: () => regionWitnesses(runtime.registry.regions()),
  });
  openedAudits.set(runtime.config, audit);
  const recorder = new AuditRecorder(audit.log, audit.operations);
  return {
    plugin: createAuditPlugin(recorder, { logger: runtime.logger.child({ component: 'audit' }), metrics }),
    recorder,
    services: audit,
    ready: () => audit.log.healthy,
    metrics,
    close: async () => {
      openedAudits.delete(runtime.config);
      await audit.close();
    },
  };
}

/**
 * The refusal a context hook (GraphQLError with `extensions.http.status`) or the HTTP
 * layer (an error with `status` and `code`, e.g. 413 PAYLOAD_TOO_LARGE) raised, for
 * recordHttpRefusal. Anything else is recorded as a 500 INTERNAL_SERVER_ERROR.
 */
export function refusalFromError(error: unknown): HttpRefusal {
  const e = error as { status?: unknown; code?: unknown; extensions?: { code?: unknown; http?: { status?: unknown } } };
  const status = Number(e?.extensions?.http?.status ?? e?.status ?? 500);
  const code = String(e?.extensions?.code ?? e?.code ?? 'INTERNAL_SERVER_ERROR');
  return { status: Number.isInteger(status) ? status : 500, code };
}
