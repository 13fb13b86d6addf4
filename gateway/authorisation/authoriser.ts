/**
 * Per-request authorisation decisions: who the caller is in requirement terms, the
 * filtered operation for them (cached), and what this request's answer must withhold.
 *
 * Shared by the plugin (which decides early, before planning, to refuse or to fill
 * `context.denied`) and the executor wrapper (which runs the filtered operation); both
 * ask `decide`, and the filter cache makes the second call cheap.
 */
import { createHash } from 'node:crypto';
import { GraphQLError, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Caller, Purpose } from '../context.ts';
import { callerFacts, isAuthenticated, type PolicyDecider } from './caller-facts.ts';
import type { AuthorisationConfig } from './config.ts';
import { activeDenials, FORBIDDEN, toDeniedFields } from './denials.ts';
import { filterOperation, type FilterPlan, type PlannedDenial } from './filter.ts';
import { RequirementIndex } from './requirement-index.ts';
import { operationRequirements, type OperationRequirements } from './operation-requirements.ts';
import { factsKey, missing, policyNames, type CallerFacts, type RequirementMap } from './requirement.ts';
import { understand } from '../../common/operations/understood.ts';

export const UNAUTHENTICATED = 'UNAUTHENTICATED';

export interface AuthorisationRequest {
  document: DocumentNode;
  operationName: string | null | undefined;
  variables: Readonly<Record<string, unknown>> | undefined;
  /** Apollo Server's hash of the query text. */
  queryHash: string;
  caller: Caller | null;
  purpose: Purpose | null;
  /** One object per request (its context): policies are evaluated once per request, however often it is decided. */
  request: object;
}

/**
 * Extra words for a denial, for this caller (e.g. a scope their role grants but their
 * purpose does not unlock), and a stable `reason` for clients when there is one.
 */
export type DenialExplainer = (
  caller: Caller | null,
  missing: readonly string[],
  purpose: Purpose | null,
) => { text: string; reason?: string } | null;

export type Decision =
  | {
      kind: 'run';
      /** The document to plan and execute, and the plan-cache key that goes with it. */
      document: DocumentNode;
      queryHash: string;
      /** Denied fields this request would have asked (conditions evaluated). */
      denied: PlannedDenial[];
      /** Every root field was denied: nothing to execute. */
      fullyDenied: boolean;
    }
  | { kind: 'refuse'; error: GraphQLError; denied: PlannedDenial[] };

/** An operation to prepare ahead of requests: a registered trusted document. */
export interface OperationToPrepare {
  document: DocumentNode;
  operationName: string | null;
  /** Apollo Server's hash of its text: the key its requests arrive with. */
  queryHash: string;
  /** How a failure names it (e.g. `operations[3] (PatrolCheck)`). */
  label: string;
}

/** An operation the authoriser cannot plan for anyone (the message names it and why). */
export class UnplannableOperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnplannableOperationError';
  }
}

interface CachedPlan {
  plan: FilterPlan | null;
  queryHash: string;
}

export class Authoriser {
  private readonly index: RequirementIndex;
  private readonly policyNames: string[];
  private readonly plans: LRUCache<string, CachedPlan>;
  private readonly factsByRequest = new WeakMap<object, Promise<CallerFacts>>();
  /** Per-operation requirement analyses, by query hash and operation name (operation-requirements.ts). */
  private readonly analyses: LRUCache<string, OperationRequirements>;
  /** The registered documents' analyses, made at manifest load and kept until the next one. */
  private prepared: ReadonlyMap<string, OperationRequirements> = new Map();

  constructor(
    schema: GraphQLSchema,
    requirements: RequirementMap,
    private readonly config: AuthorisationConfig,
    private readonly decidePolicies: PolicyDecider,
    private readonly explain: DenialExplainer = () => null,
  ) {
    this.index = new RequirementIndex(schema, requirements);
    this.policyNames = policyNames(requirements);
    this.plans = new LRUCache({ max: config.filterCacheSize });
    this.analyses = new LRUCache({ max: config.filterCacheSize });
  }

  /**
   * Plans the given operations ahead of their requests (the registered trusted documents):
   * throws UnplannableOperationError naming the first that cannot be planned, and changes
   * nothing; otherwise returns what puts the analyses in force (replacing the last set), so
   * a caller can commit them together with its own state.
   */
  prepare(operations: readonly OperationToPrepare[]): () => void {
    const prepared = new Map<string, OperationRequirements>();
    for (const op of operations) {
      const analysis = operationRequirements(this.index, understand(op.document, op.operationName));
      if (analysis.kind === 'unplannable') throw new UnplannableOperationError(`${op.label} cannot be authorised: ${analysis.reason}`);
      prepared.set(analysisKey(op.queryHash, op.operationName), analysis);
      // A document of one operation runs it whether or not the request names it.
      if (op.operationName && understand(op.document).operation) prepared.set(analysisKey(op.queryHash, null), analysis);
    }
    return () => {
      this.prepared = prepared;
    };
  }

  /** The query hashes whose analyses were made ahead of their requests (the registered documents in force). */
  preparedHashes(): Set<string> {
    return new Set([...this.prepared.keys()].map((key) => key.split('\u0000')[0]));
  }

  /** The operation's requirement analysis: prepared at load for registered documents, else made once and kept. */
  private analysis(request: AuthorisationRequest): OperationRequirements {
    const key = analysisKey(request.queryHash, request.operationName);
    let analysis = this.prepared.get(key) ?? this.analyses.get(key);
    if (!analysis) {
      analysis = operationRequirements(this.index, understand(request.document, request.operationName));
      this.analyses.set(key, analysis);
    }
    return analysis;
  }

  async decide(request: AuthorisationRequest): Promise<Decision> {
    if (!isAuthenticated(request.caller) && understand(request.document, request.operationName).introspection) {
      return { kind: 'refuse', denied: [], error: introspectionRefused() };
    }
    const facts = await this.factsFor(request);
    const analysis = this.analysis(request);
    // Nothing the operation needs is lacking: the filter would return it unchanged.
    if (analysis.kind === 'requirements' && analysis.requirements.every((r) => missing(r, facts).length === 0)) {
      return { kind: 'run', document: request.document, queryHash: request.queryHash, denied: [], fullyDenied: false };
    }
    const cacheKey = `${request.queryHash}\u0000${request.operationName ?? ''}\u0000${factsKey(facts)}`;
    let cached = this.plans.get(cacheKey);
    if (!cached) {
      const plan = filterOperation(this.index, request.document, request.operationName, facts);
      cached = { plan, queryHash: plan?.changed ? hashOf(plan.document) : request.queryHash };
      this.plans.set(cacheKey, cached);
    }
    const { plan } = cached;
    const denied = (plan ? activeDenials(plan, request.variables) : []).map((d) => this.withNote(d, request.caller, request.purpose));
    if (denied.length > 0 && this.config.rejectWholeOperation) return { kind: 'refuse', denied, error: rejection(denied) };
    return {
      kind: 'run',
      document: plan?.document ?? request.document,
      queryHash: cached.queryHash,
      denied,
      fullyDenied: Boolean(plan?.rootEmptied) && denied.length > 0,
    };
  }

  private withNote(denial: PlannedDenial, caller: Caller | null, purpose: Purpose | null): PlannedDenial {
    const note = this.explain(caller, denial.missing, purpose);
    if (!note) return denial;
    return note.reason ? { ...denial, note: note.text, reason: note.reason } : { ...denial, note: note.text };
  }

  private factsFor(request: AuthorisationRequest): Promise<CallerFacts> {
    let facts = this.factsByRequest.get(request.request);
    if (!facts) {
      facts = callerFacts(request.caller, request.purpose, this.policyNames, this.decidePolicies);
      this.factsByRequest.set(request.request, facts);
    }
    return facts;
  }
}

function analysisKey(queryHash: string, operationName: string | null | undefined): string {
  return `${queryHash}\u0000${operationName ?? ''}`;
}

/**
 * The plan-cache key of a filtered operation. @apollo/gateway keys its query plans on
 * `requestContext.queryHash` (plus the operation name): the filtered text must get its
 * own key, or a plan made for one caller's fields would serve another's request.
 */
function hashOf(document: DocumentNode): string {
  return createHash('sha256').update(print(document)).digest('hex');
}

/** Introspection shows the whole schema, sensitive fields included: only for authenticated callers. */
function introspectionRefused(): GraphQLError {
  return new GraphQLError('Introspection is only for authenticated callers: send an Authorization: Bearer token.', {
    extensions: { code: UNAUTHENTICATED, http: { status: 401 } },
  });
}

function rejection(denied: PlannedDenial[]): GraphQLError {
  const list = denied.map((d) => `${d.coordinate} (at ${d.frames.map((f) => f.key).join('.')}: missing ${d.missing.join('; ')})`);
  return new GraphQLError(`Operation refused: it asks for fields the caller may not see: ${list.join(', ')}.`, {
    extensions: {
      code: FORBIDDEN,
      http: { status: 403 },
      denied: toDeniedFields(denied),
    },
  });
}
