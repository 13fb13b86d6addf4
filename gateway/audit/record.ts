/**
 * The audit record: one per operation, answering who, when, from where, why, what,
 * whose data, which regions and how it ended (CJIS 5.4, LED Art. 25).
 */
import type { Caller, Purpose, RegionOutcome } from '../context.ts';
import type { Json } from '../../common/log/canonical.ts';
import { classifyOutcome, type AuditOutcome } from '../../common/audit/outcome.ts';
import type { RefusalSummaryBody } from './refusal-summary.ts';
import { RECORD_VERSION, type GapRecordBody } from '../../common/log/gap.ts';
import type { Officer } from '../../common/officer.ts';
import type { Subjects } from '../../common/audit/subjects.ts';

export type AuditOfficer = Officer;

export interface AuditRecordBody {
  type: 'audit';
  v: number;
  /** UTC, millisecond precision. */
  at: string;
  auditId: string;
  /** The gateway instance that wrote the record (also names its chain). */
  instance: string;
  officer: AuditOfficer | null;
  client: { address: string; userAgent: string };
  purpose: { code: string; text: string; caseRef: string | null } | null;
  /** `document`: the trusted document id (`sha256:<hex>`) when the text is a registered one. */
  operation: { name: string | null; type: string | null; hash: string | null; document?: string };
  variables: Json;
  fields: { requested: string[]; denied: string[] };
  subjects: Subjects;
  /** `reason`: why a `skipped` region was not asked. */
  regions: { region: string; subgraph: string; status: string; latencyMs: number; reason?: string }[];
  outcome: AuditOutcome;
  errorCodes: string[];
  httpStatus: number | null;
  latencyMs: number;
  /** The OpenTelemetry trace of the request, when tracing is on and the trace was sampled (its request span carries this auditId). */
  traceId?: string;
}

/** Every kind of entry in the audit chain; `refusals` summarises a flood of refused requests (refusal-summary.ts). */
export type AuditEntryBody = AuditRecordBody | GapRecordBody | RefusalSummaryBody;

/** Everything the gateway knows about one operation when its response is about to leave. */
export interface AuditFacts {
  auditId: string;
  instance: string;
  startedAt: number;
  finishedAt?: number;
  clientAddress: string;
  userAgent: string;
  caller: Caller | null;
  purpose: Purpose | null;
  operationName: string | null;
  operationType: string | null;
  operationHash: string | null;
  /** The trusted document id when the operation is a registered document. */
  documentId?: string | null;
  variables: Record<string, unknown> | null;
  requested: string[];
  denied: string[];
  subjects: Subjects;
  regions: RegionOutcome[];
  errorCodes: string[];
  hasData: boolean;
  httpStatus: number | null;
  /** The request's trace id when tracing is on (docs/operations.md, "Tracing"). */
  traceId?: string | null;
}

export function buildAuditRecord(facts: AuditFacts): AuditRecordBody {
  const finishedAt = facts.finishedAt ?? Date.now();
  const errorCodes = [...new Set(facts.errorCodes)].sort();
  return {
    type: 'audit',
    v: RECORD_VERSION,
    at: new Date(finishedAt).toISOString(),
    auditId: facts.auditId,
    instance: facts.instance,
    officer: facts.caller && !facts.caller.anonymous ? officerOf(facts.caller) : null,
    client: { address: facts.clientAddress, userAgent: facts.userAgent },
    purpose: facts.purpose ? { code: facts.purpose.code, text: facts.purpose.text, caseRef: facts.purpose.caseRef } : null,
    operation: {
      name: facts.operationName,
      type: facts.operationType,
      hash: facts.operationHash,
      ...(facts.documentId ? { document: facts.documentId } : {}),
    },
    variables: toJson(facts.variables ?? {}),
    fields: { requested: facts.requested, denied: [...new Set(facts.denied)].sort() },
    subjects: facts.subjects,
    // A deliberately skipped region keeps why (the `regions:` argument, or its membership filter).
    regions: facts.regions.map(({ region, subgraph, status, latencyMs, message }) => ({
      region,
      subgraph,
      status,
      latencyMs: round(latencyMs),
      ...(status === 'skipped' && message ? { reason: message } : {}),
    })),
    outcome: classifyOutcome({ hasData: facts.hasData, errorCodes, deniedFields: facts.denied.length }),
    errorCodes,
    httpStatus: facts.httpStatus,
    latencyMs: round(finishedAt - facts.startedAt),
    // Additive: absent when tracing is off, so records without tracing are unchanged.
    ...(facts.traceId ? { traceId: facts.traceId } : {}),
  };
}

function officerOf(caller: Caller): AuditOfficer {
  return { sub: caller.sub, name: caller.name, region: caller.region, roles: [...caller.roles].sort() };
}

/** Variables as plain JSON (undefined dropped, NaN/Infinity as null) so hashing them never throws. */
function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value) ?? 'null') as Json;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
