/**
 * Data-dependent rules at the data's home, with graphql-shield.
 *
 * graphql-shield 7.6.5 is unmaintained, so it stays behind this one module and only its
 * `rule`/`and`/`allow`/`deny` are used (`chain`/`race` break on Node ≥ 23); replacing
 * it means rewriting this file only.
 *
 * Rules are generated, never hand-written per field:
 * - from the contract's own marks (`@authenticated`, `@requiresScopes`, `@policy` on
 *   types and fields), read from the subgraph schema itself (directives.ts);
 * - from the policy file's `dataRules` (e.g. `PersonRecord.phone`: same region, or an
 *   assistance link), decided per record with the caller and purpose of the internal
 *   token.
 * Root fields without any mark, and anything the generator did not cover, fall to
 * `fallbackRule: deny`: every entry point must say who may use it. Value types without
 * marks (CaseParty, PageInfo, edges) are `allow`: they are reachable only through a
 * field whose own rule already ran.
 *
 * Errors: a rule never throws. Its failures (e.g. the region's system down while
 * reading the purpose's case) become a plain FORBIDDEN with no internal text; the
 * cause is logged. Resolver errors pass through untouched (`allowExternalErrors`)
 * because the subgraph's own error formatter already decides what a client may see —
 * graphql-shield's "false" setting would turn a region outage into "not authorised".
 */
import { GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, and, deny, rule, shield, type IRule } from 'graphql-shield';

/** What graphql-shield accepts where a rule goes (its own ShieldRule type is not exported). */
type ShieldRule = IRule | ReturnType<typeof and>;
import { evaluateExpression, type Policy, type PolicyExpression } from '../../schema/policy.ts';
import type { SubgraphContext } from '../context.ts';
import type { SchemaTransform } from '../server.ts';
import { isSensitive, readMarks, type Marks, type SchemaMarks } from './directives.ts';
import { callerOf, purposeOf, recordFacts } from './record-facts.ts';

/** Federation's own plumbing: the gateway needs them; each entity's fields carry their own rules. */
const FEDERATION_ROOT_FIELDS = new Set(['_service', '_entities']);

export function forbidden(missing: string, why?: { text: string; reason: string }): GraphQLError {
  return why
    ? new GraphQLError(`not authorised: needs ${missing}: ${why.text}`, { extensions: { code: 'FORBIDDEN', missing, reason: why.reason } })
    : new GraphQLError(`not authorised: needs ${missing}`, { extensions: { code: 'FORBIDDEN', missing } });
}

/** `createSubgraphServer({ schemaTransform: dataRulesTransform(policy) })`. */
export function dataRulesTransform(policy: Policy, log: RuleLogger = console): SchemaTransform {
  return (schema) => applyDataRules(schema, policy, log);
}

export interface RuleLogger {
  error(...args: unknown[]): void;
}

/** Wraps `schema` with the generated rules; throws at start-up when a sensitive field has none. */
export function applyDataRules(schema: GraphQLSchema, policy: Policy, log: RuleLogger = console): GraphQLSchema {
  const marks = readMarks(schema);
  const rules = new RuleFactory(policy, log);
  const tree = ruleTree(schema, marks, policy, rules);
  assertSensitiveFieldsRuled(schema, policy, tree, marks);
  const middleware = shield(tree, {
    fallbackRule: deny,
    fallbackError: forbidden('a rule that allows this field (none applies)'),
    allowExternalErrors: true,
    debug: false,
  });
  return applyMiddleware(schema, middleware);
}

export type RuleTree = Record<string, Record<string, ShieldRule>>;

function ruleTree(schema: GraphQLSchema, marks: SchemaMarks, policy: Policy, rules: RuleFactory): RuleTree {
  const tree: RuleTree = {};
  const rootTypes = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((t) => t!.name),
  );
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields: Record<string, ShieldRule> = {};
    for (const name of Object.keys(type.getFields())) {
      const coordinate = `${type.name}.${name}`;
      const parts = fieldRules(marks.types.get(type.name), marks.fields.get(coordinate), policy.dataRules[coordinate], rules);
      if (parts.length > 0) fields[name] = parts.length === 1 ? parts[0] : and(...parts);
      else if (rootTypes.has(type.name)) {
        if (FEDERATION_ROOT_FIELDS.has(name)) fields[name] = allow;
      } else fields[name] = allow;
    }
    tree[type.name] = fields;
  }
  return tree;
}

/** A field's own marks AND its type's marks AND its data rule (Apollo: both apply). */
function fieldRules(
  typeMarks: Marks | undefined,
  fieldMarks: Marks | undefined,
  dataRule: PolicyExpression | undefined,
  rules: RuleFactory,
): ShieldRule[] {
  const parts: ShieldRule[] = [];
  if (typeMarks?.authenticated || fieldMarks?.authenticated) parts.push(rules.authenticated());
  for (const marks of [typeMarks, fieldMarks]) {
    if (marks?.scopes.length) parts.push(rules.scopes(marks.scopes));
    if (marks?.policies.length) parts.push(rules.dataPolicy(marks.policies));
  }
  if (dataRule) parts.push(rules.dataPolicy(dataRule));
  return parts;
}

/** The start-up check: every field the contract or policy marks sensitive has a rule that is not `allow`. */
export function assertSensitiveFieldsRuled(
  schema: GraphQLSchema,
  policy: Policy,
  tree: RuleTree,
  marks: SchemaMarks = readMarks(schema),
): void {
  const unruled: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const name of Object.keys(type.getFields())) {
      const coordinate = `${type.name}.${name}`;
      const sensitive =
        isSensitive(marks.types.get(type.name)) || isSensitive(marks.fields.get(coordinate)) || coordinate in policy.dataRules;
      const assigned = tree[type.name]?.[name];
      if (sensitive && (!assigned || assigned === allow)) unruled.push(coordinate);
    }
  }
  if (unruled.length > 0) throw new Error(`graphql-shield: sensitive fields without a rule: ${unruled.join(', ')}`);
}

/**
 * Builds each distinct rule once: graphql-shield keys its cache by rule name, so one
 * name must always mean one rule. Cache modes, chosen per rule:
 * - `authenticated` and `scopes:…` → `contextual`: they depend only on the caller, which
 *   is fixed for the request, so one evaluation serves every field and every record;
 * - `policy:…` → `no_cache`: they depend on the record (`record.idNumber`), and
 *   `contextual` would hand the first record's verdict to every other record. `strict`
 *   would be correct but hashes the whole parent object on each call; the one costly
 *   fact (the purpose's case) is already batched and cached by the request's DataLoader.
 */
class RuleFactory {
  private readonly made = new Map<string, ShieldRule>();

  constructor(
    private readonly file: Policy,
    private readonly log: RuleLogger,
  ) {}

  authenticated(): ShieldRule {
    return this.once('authenticated', () =>
      rule('authenticated', { cache: 'contextual' })((_parent: unknown, _args: unknown, context: SubgraphContext) => {
        const caller = callerOf(context);
        return caller && !caller.anonymous ? true : forbidden('an authenticated caller');
      }),
    );
  }

  scopes(groups: string[][]): ShieldRule {
    for (const scope of groups.flat()) {
      if (!(scope in this.file.scopes)) throw new Error(`@requiresScopes names scope "${scope}", which the policy file does not define`);
    }
    const name = `scopes:${describe(groups)}`;
    return this.once(name, () =>
      rule(name, { cache: 'contextual' })((_parent: unknown, _args: unknown, context: SubgraphContext) => {
        const held = new Set(callerOf(context)?.scopes ?? []);
        return groups.some((group) => group.every((s) => held.has(s)))
          ? true
          : forbidden(`scope ${describe(groups)}`, this.notAssigned(groups, context));
      }),
    );
  }

  dataPolicy(expression: PolicyExpression): ShieldRule {
    for (const name of expression.flat()) {
      if (!(name in this.file.policies)) throw new Error(`@policy names policy "${name}", which the policy file does not define`);
    }
    const name = `policy:${describe(expression)}`;
    return this.once(name, () =>
      rule(name, { cache: 'no_cache' })(
        async (parent: Record<string, unknown>, args: Record<string, unknown>, context: SubgraphContext) => {
          try {
            const granted = await evaluateExpression(this.file, expression, recordFacts(parent, context, args));
            return granted ? true : forbidden(`policy ${describe(expression)}`);
          } catch (error) {
            this.log.error({ err: error, rule: name }, 'data rule could not be decided; denied');
            return forbidden(`policy ${describe(expression)} (could not be checked)`);
          }
        },
      ),
    );
  }

  /**
   * Says so when a case-bound scope is missing because the case's region does not list
   * the caller on the case their purpose names (the gateway withheld it; see
   * gateway/auth/purpose.ts), rather than leave the officer guessing.
   */
  private notAssigned(groups: string[][], context: SubgraphContext): { text: string; reason: string } | undefined {
    const purpose = purposeOf(context);
    if (!purpose?.caseRef || purpose.callerAssigned !== false) return undefined;
    if (!groups.flat().some((scope) => this.file.scopes[scope]?.requiresCaseRef)) return undefined;
    return {
      text: `officer ${callerOf(context)?.sub ?? '(unknown)'} is not assigned to case ${purpose.caseRef}`,
      reason: 'not-assigned-to-case',
    };
  }

  private once(name: string, make: () => ShieldRule): ShieldRule {
    if (!this.made.has(name)) this.made.set(name, make());
    return this.made.get(name)!;
  }
}

/** `[[a, b], [c]]` → `a and b | c`, as messages and rule names show it. */
function describe(groups: string[][]): string {
  return groups.map((g) => g.join(' and ')).join(' | ');
}
