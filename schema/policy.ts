/**
 * The authorisation policy file (`schema/policy.json`): its types, its loader and the
 * meaning of its named policies.
 *
 * One file is read by the gateway (which scopes a role grants, which purposes exist,
 * which scopes need a case reference) and by every regional subgraph (the data rules
 * graphql-shield enforces). Keeping the meaning of a named policy here — as data plus
 * one small evaluator — is what lets the gateway and the subgraphs agree on it without
 * either copying the other's code.
 *
 * Validation happens at load and stops start-up with a message naming the bad entry
 * (`schema/policy.json: roles.investigator.scopes[2]: unknown scope "case:detail"`).
 */
import { readFileSync } from 'node:fs';

export interface ScopeDefinition {
  description: string;
  /** Holding this scope counts only when the request's purpose names an existing case. */
  requiresCaseRef: boolean;
}

export interface RoleDefinition {
  description: string;
  scopes: string[];
}

/**
 * Facts a named policy may test. `caller.*` and `purpose.*` come from the caller's
 * token and X-Purpose header and are known everywhere; `record.*` and `purposeCase.*`
 * need the data itself, so only the subgraph holding the record can decide them.
 */
export const FACTS = {
  'caller.sub': { list: false, at: 'anywhere' },
  'caller.region': { list: false, at: 'anywhere' },
  'caller.roles': { list: true, at: 'anywhere' },
  'caller.scopes': { list: true, at: 'anywhere' },
  'purpose.code': { list: false, at: 'anywhere' },
  'purpose.caseRef': { list: false, at: 'anywhere' },
  'record.region': { list: false, at: 'subgraph' },
  'record.idNumber': { list: false, at: 'subgraph' },
  /** The record's Liandong id (`GZ:P-…`). */
  'record.id': { list: false, at: 'subgraph' },
  /** The region whose subgraph decides (its own code). */
  'region.code': { list: false, at: 'subgraph' },
  /** The region an assistance field addresses: its `input.toRegion`, or the region of its `id` argument. */
  'request.region': { list: false, at: 'subgraph' },
  /** The region that owns the purpose's case (the prefix of `purpose.caseRef`). */
  'purposeCase.region': { list: false, at: 'anywhere' },
  /**
   * Liandong ids of the records this region gave in its answers to assistance requests of
   * the purpose's case made from the caller's region: what answering grants, read from the
   * region's own assistance desk.
   */
  'assistance.answeredRecordIds': { list: true, at: 'subgraph' },
  'purposeCase.partyIdNumbers': { list: true, at: 'subgraph' },
  /**
   * Police numbers of the officers the purpose's case lists (its own and its assisting
   * team's). Where the case lives, read from the region's own records; elsewhere only the
   * caller's own number, and only when the gateway attested that the owning region lists them.
   */
  'purposeCase.officerIds': { list: true, at: 'subgraph' },
} as const satisfies Record<string, { list: boolean; at: 'anywhere' | 'subgraph' }>;

export type Fact = keyof typeof FACTS;

/** One test on the facts; a policy holds when all its conditions hold. */
export type Condition =
  | { fact: Fact; equals: string }
  | { fact: Fact; equalsFact: Fact }
  | { fact: Fact; includes: string }
  | { fact: Fact; includesFact: Fact };

export interface NamedPolicy {
  description: string;
  when: Condition[];
}

export interface PurposeCode {
  description: string;
  /** The X-Purpose header must carry `case=REGION:local-id` for this code. */
  requiresCaseRef: boolean;
}

export interface PurposeSettings {
  /** HTTP header carrying the purpose (`X-Purpose`). */
  header: string;
  maxLength: number;
  /** Output types holding personal data: operations selecting any of them need a purpose. */
  dataTypes: string[];
  codes: Record<string, PurposeCode>;
}

/** Apollo's @policy shape: outer list OR, inner list AND. */
export type PolicyExpression = string[][];

export interface Policy {
  scopes: Record<string, ScopeDefinition>;
  roles: Record<string, RoleDefinition>;
  policies: Record<string, NamedPolicy>;
  purposes: PurposeSettings;
  /** Data-dependent rules the subgraphs enforce, by schema coordinate (`PersonRecord.phone`). */
  dataRules: Record<string, PolicyExpression>;
}

export class PolicyError extends Error {
  constructor(
    readonly at: string,
    problem: string,
  ) {
    super(`${at}: ${problem}`);
    this.name = 'PolicyError';
  }
}

export const DEFAULT_POLICY_FILE = new URL('./policy.json', import.meta.url).pathname;

/** Reads and validates the policy file; throws PolicyError naming the bad entry. */
export function loadPolicy(path: string = DEFAULT_POLICY_FILE): Policy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PolicyError(path, `cannot read the policy file as JSON (${(error as Error).message})`);
  }
  return validatePolicy(raw, path);
}

/** Validates an already-parsed policy object (`file` only names it in messages). */
export function validatePolicy(raw: unknown, file = 'policy'): Policy {
  const root = new Entry(file, '');
  const obj = root.object(raw, ['$comment', 'scopes', 'roles', 'policies', 'purposes', 'dataRules']);
  const scopes = root.key('scopes').record(obj.scopes, (value, at) => {
    const s = at.object(value, ['description', 'requiresCaseRef']);
    return { description: at.key('description').text(s.description), requiresCaseRef: at.key('requiresCaseRef').flag(s.requiresCaseRef) };
  });
  const roles = root.key('roles').record(obj.roles, (value, at) => {
    const r = at.object(value, ['description', 'scopes']);
    return { description: at.key('description').text(r.description), scopes: at.key('scopes').names(r.scopes, scopes, 'scope') };
  });
  const policies = root.key('policies').record(obj.policies, (value, at) => validateNamedPolicy(value, at));
  const purposes = validatePurposes(obj.purposes, root.key('purposes'));
  const dataRules = root.key('dataRules').record(obj.dataRules, (value, at) => validateExpression(value, at, policies));
  return { scopes, roles, policies, purposes, dataRules };
}

/** Scopes a caller holds: those in the token plus those its roles grant. Unknown roles grant nothing. */
export function scopesFor(policy: Policy, roles: readonly string[], tokenScopes: readonly string[]): Set<string> {
  const scopes = new Set(tokenScopes);
  for (const role of roles) for (const scope of policy.roles[role]?.scopes ?? []) scopes.add(scope);
  return scopes;
}

/** Where a named policy can be decided: `gateway` when it tests only caller and purpose facts. */
export function decidableAt(policy: Policy, name: string): 'gateway' | 'subgraph' {
  const definition = policy.policies[name];
  if (!definition) throw new Error(`unknown policy "${name}" (policy file defines: ${Object.keys(policy.policies).join(', ')})`);
  return definition.when.flatMap(factsOf).some((f) => FACTS[f].at === 'subgraph') ? 'subgraph' : 'gateway';
}

/** Supplies one fact's value; asynchronous because `purposeCase.*` may need a lookup. */
export type FactSource = (fact: Fact) => unknown | Promise<unknown>;

/** Decides a named policy. Facts are fetched lazily and only once per evaluation. */
export async function evaluatePolicy(policy: Policy, name: string, source: FactSource): Promise<boolean> {
  const definition = policy.policies[name];
  if (!definition) throw new Error(`unknown policy "${name}"`);
  const memo = new Map<Fact, Promise<unknown>>();
  const fact = (f: Fact) => memo.get(f) ?? memo.set(f, Promise.resolve(source(f))).get(f)!;
  for (const condition of definition.when) {
    if (!(await holds(condition, fact))) return false;
  }
  return true;
}

/** Decides an @policy-shaped expression: some group whose every policy holds. */
export async function evaluateExpression(policy: Policy, expression: PolicyExpression, source: FactSource): Promise<boolean> {
  for (const group of expression) {
    let all = true;
    for (const name of group) {
      if (!(await evaluatePolicy(policy, name, source))) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

function factsOf(condition: Condition): Fact[] {
  if ('equalsFact' in condition) return [condition.fact, condition.equalsFact];
  if ('includesFact' in condition) return [condition.fact, condition.includesFact];
  return [condition.fact];
}

async function holds(condition: Condition, fact: (f: Fact) => Promise<unknown>): Promise<boolean> {
  const value = await fact(condition.fact);
  if ('equals' in condition) return value === condition.equals;
  if ('includes' in condition) return Array.isArray(value) && value.includes(condition.includes);
  const other = await fact('equalsFact' in condition ? condition.equalsFact : condition.includesFact);
  // An absent fact never satisfies a comparison: "no region" must not equal "no region".
  if (other === null || other === undefined) return false;
  if ('equalsFact' in condition) return value === other;
  return Array.isArray(value) && value.includes(other);
}

function validateNamedPolicy(value: unknown, at: Entry): NamedPolicy {
  const p = at.object(value, ['description', 'when']);
  const conditions = at.key('when').list(p.when);
  if (conditions.length === 0) at.key('when').fail('a policy needs at least one condition (an empty one would allow everything)');
  return {
    description: at.key('description').text(p.description),
    when: conditions.map((c, i) => validateCondition(c, at.key('when').index(i))),
  };
}

const OPERATORS = ['equals', 'equalsFact', 'includes', 'includesFact'] as const;

function validateCondition(value: unknown, at: Entry): Condition {
  const c = at.object(value, ['fact', ...OPERATORS]);
  const fact = at.key('fact').fact(c.fact);
  const ops = OPERATORS.filter((op) => c[op] !== undefined);
  if (ops.length !== 1) at.fail(`expected exactly one of ${OPERATORS.join(', ')}, got ${ops.length === 0 ? 'none' : ops.join(' and ')}`);
  const op = ops[0];
  const operand = op.endsWith('Fact') ? at.key(op).fact(c[op]) : at.key(op).text(c[op]);
  const wantsList = op.startsWith('includes');
  if (FACTS[fact].list !== wantsList) {
    at.key(op).fail(
      `"${op}" ${wantsList ? 'needs a list fact' : 'needs a single-valued fact'}, but "${fact}" is ${FACTS[fact].list ? 'a list' : 'single-valued'}`,
    );
  }
  return { fact, [op]: operand } as Condition;
}

function validatePurposes(value: unknown, at: Entry): PurposeSettings {
  const p = at.object(value, ['header', 'maxLength', 'dataTypes', 'codes']);
  const header = at.key('header').text(p.header);
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(header)) at.key('header').fail(`expected an HTTP header name, got ${JSON.stringify(header)}`);
  const maxLength = p.maxLength;
  if (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < 16 || maxLength > 4096) {
    at.key('maxLength').fail(`expected an integer from 16 to 4096, got ${JSON.stringify(maxLength)}`);
  }
  const dataTypes = at
    .key('dataTypes')
    .list(p.dataTypes)
    .map((t, i) => at.key('dataTypes').index(i).text(t));
  const codes = at.key('codes').record(p.codes, (code, where) => {
    const c = where.object(code, ['description', 'requiresCaseRef']);
    return {
      description: where.key('description').text(c.description),
      requiresCaseRef: where.key('requiresCaseRef').flag(c.requiresCaseRef),
    };
  });
  for (const code of Object.keys(codes)) {
    if (!PURPOSE_CODE.test(code))
      at.key('codes').key(code).fail('a purpose code is lower-case letters, digits and hyphens, starting with a letter');
  }
  return { header, maxLength: maxLength as number, dataTypes, codes };
}

/** Purpose codes are what officers type into a header: keep them simple tokens. */
export const PURPOSE_CODE = /^[a-z][a-z0-9-]*$/;

function validateExpression(value: unknown, at: Entry, policies: Record<string, NamedPolicy>): PolicyExpression {
  const groups = at.list(value);
  if (groups.length === 0) at.fail('expected at least one group of policy names (outer list OR, inner list AND)');
  return groups.map((group, i) => {
    const names = at.index(i).names(group, policies, 'policy');
    if (names.length === 0) at.index(i).fail('an empty group would allow everything');
    return names;
  });
}

/** A position in the policy file, with the checks that report it. */
class Entry {
  constructor(
    private readonly file: string,
    private readonly path: string,
  ) {}

  key(name: string): Entry {
    return new Entry(this.file, this.path ? `${this.path}.${name}` : name);
  }

  index(i: number): Entry {
    return new Entry(this.file, `${this.path}[${i}]`);
  }

  fail(problem: string): never {
    throw new PolicyError(this.path ? `${this.file}: ${this.path}` : this.file, problem);
  }

  object(value: unknown, allowed: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`expected an object, got ${show(value)}`);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.key(key).fail(`unknown entry (expected one of: ${allowed.join(', ')})`);
    }
    return value as Record<string, unknown>;
  }

  record<T>(value: unknown, each: (value: unknown, at: Entry) => T): Record<string, T> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`expected an object, got ${show(value)}`);
    const out: Record<string, T> = {};
    for (const [name, item] of Object.entries(value)) out[name] = each(item, this.key(name));
    return out;
  }

  list(value: unknown): unknown[] {
    if (!Array.isArray(value)) this.fail(`expected an array, got ${show(value)}`);
    return value;
  }

  text(value: unknown): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(`expected a non-empty string, got ${show(value)}`);
    return value;
  }

  flag(value: unknown): boolean {
    if (value === undefined) return false;
    if (typeof value !== 'boolean') this.fail(`expected true or false, got ${show(value)}`);
    return value;
  }

  fact(value: unknown): Fact {
    if (typeof value !== 'string' || !(value in FACTS))
      this.fail(`unknown fact ${show(value)} (expected one of: ${Object.keys(FACTS).join(', ')})`);
    return value as Fact;
  }

  /** A list of names that must each be defined in `known` (scopes of a role, policies of a rule). */
  names(value: unknown, known: Record<string, unknown>, what: string): string[] {
    return this.list(value).map((name, i) => {
      if (typeof name !== 'string' || !(name in known)) {
        this.index(i).fail(`unknown ${what} ${show(name)} (defined: ${Object.keys(known).join(', ')})`);
      }
      return name as string;
    });
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value);
}
