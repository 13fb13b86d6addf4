/**
 * What a schema element needs before a caller may see it, and whether a caller has it.
 *
 * Apollo's semantics for Federation's authorisation directives:
 * - `@authenticated`: the caller must not be anonymous;
 * - `@requiresScopes(scopes: [[a, b], [c]])`: the outer list is OR, each inner list AND
 *   (a and b, or c);
 * - `@policy(policies: [[p, q], [r]])`: the same shape over named policies, each policy
 *   already evaluated for this caller (see caller-facts.ts).
 * Several requirements that all apply (a field's own, its return type's, the possible
 * types' of an abstract return type) are combined with AND.
 */

export interface Requirement {
  authenticated: boolean;
  /** OR of AND-groups; an empty list means "no scope requirement". */
  scopes: string[][];
  /** OR of AND-groups of policy names; empty means "no policy requirement". */
  policies: string[][];
}

/** Requirements by type name: the type's own, and each field's own. */
export type RequirementMap = Record<string, { type?: Requirement; fields: Record<string, Requirement> }>;

/** What the caller has, in the only terms requirements are written in. */
export interface CallerFacts {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
  /** Outcome of every named policy for this caller and purpose. Absent policy = not granted. */
  policies: ReadonlyMap<string, boolean>;
}

export const NO_REQUIREMENT: Requirement = Object.freeze({ authenticated: false, scopes: [], policies: [] }) as Requirement;

/** AND of two requirements: OR-of-AND lists multiply out (a∨b) ∧ (c) = (a∧c) ∨ (b∧c). */
export function both(a: Requirement, b: Requirement): Requirement {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  return {
    authenticated: a.authenticated || b.authenticated,
    scopes: conjoin(a.scopes, b.scopes),
    policies: conjoin(a.policies, b.policies),
  };
}

export function isEmpty(r: Requirement): boolean {
  return !r.authenticated && r.scopes.length === 0 && r.policies.length === 0;
}

function conjoin(a: string[][], b: string[][]): string[][] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: string[][] = [];
  for (const x of a) for (const y of b) out.push([...new Set([...x, ...y])]);
  return out;
}

/**
 * What the caller lacks to satisfy `r`, as human-readable items (`authentication`,
 * `scope person:contact`, `policy sameRegion`, or `scope a or scope b` for
 * alternatives). Empty when the caller may see the element.
 */
export function missing(r: Requirement, facts: CallerFacts): string[] {
  const out: string[] = [];
  if (r.authenticated && !facts.authenticated) out.push('authentication');
  const scopes = unmetAlternatives(r.scopes, (s) => facts.scopes.has(s), 'scope');
  if (scopes) out.push(scopes);
  const policies = unmetAlternatives(r.policies, (p) => facts.policies.get(p) === true, 'policy');
  if (policies) out.push(policies);
  return out;
}

/** Null when some AND-group is fully met; otherwise what each group still lacks, joined by "or". */
function unmetAlternatives(groups: string[][], has: (name: string) => boolean, noun: string): string | null {
  if (groups.length === 0) return null;
  const lacking = groups.map((group) => group.filter((name) => !has(name)));
  if (lacking.some((group) => group.length === 0)) return null;
  const phrases = lacking.map((group) => group.map((name) => `${noun} ${name}`).join(' and '));
  return phrases.length === 1 ? phrases[0] : phrases.map((p) => (p.includes(' and ') ? `(${p})` : p)).join(' or ');
}

/** Every policy name a requirement map mentions: the set to evaluate once per request. */
export function policyNames(map: RequirementMap): string[] {
  const names = new Set<string>();
  const add = (r: Requirement | undefined) => r?.policies.forEach((g) => g.forEach((p) => names.add(p)));
  for (const entry of Object.values(map)) {
    add(entry.type);
    Object.values(entry.fields).forEach(add);
  }
  return [...names].sort();
}

/**
 * A stable key naming the facts: two callers with the same key get the same filtered
 * operation, so filter results and plans may be shared between them, and only then.
 */
export function factsKey(facts: CallerFacts): string {
  const policies = [...facts.policies].sort(([a], [b]) => a.localeCompare(b)).map(([p, ok]) => `${p}=${ok ? 1 : 0}`);
  return `${facts.authenticated ? 'auth' : 'anon'}|${[...facts.scopes].sort().join(',')}|${policies.join(',')}`;
}
