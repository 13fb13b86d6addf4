/**
 * Federation's authorisation directives as written in a subgraph schema.
 *
 * The contract marks what is sensitive with `@authenticated`, `@requiresScopes` and
 * `@policy` (Apollo's semantics: outer list OR, inner list AND). The gateway enforces
 * them before planning; the subgraph reads the very same marks from its own schema so
 * the two can never disagree about which fields are sensitive.
 */
import { isObjectType, valueFromASTUntyped, type ConstDirectiveNode, type GraphQLSchema } from 'graphql';

export interface Marks {
  authenticated: boolean;
  /** OR of AND-groups of scopes; empty = no scope requirement. */
  scopes: string[][];
  /** OR of AND-groups of policy names; empty = no policy requirement. */
  policies: string[][];
}

export interface SchemaMarks {
  types: Map<string, Marks>;
  /** By coordinate, `Type.field`. */
  fields: Map<string, Marks>;
}

export function readMarks(schema: GraphQLSchema): SchemaMarks {
  const types = new Map<string, Marks>();
  const fields = new Map<string, Marks>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeMarks = marksOf([type.astNode, ...type.extensionASTNodes].flatMap((n) => n?.directives ?? []));
    if (typeMarks) types.set(type.name, typeMarks);
    for (const field of Object.values(type.getFields())) {
      const fieldMarks = marksOf(field.astNode?.directives ?? []);
      if (fieldMarks) fields.set(`${type.name}.${field.name}`, fieldMarks);
    }
  }
  return { types, fields };
}

/** Directive names as imported by @link, or with the `federation__` prefix when not imported. */
const NAMES = {
  authenticated: ['authenticated', 'federation__authenticated'],
  requiresScopes: ['requiresScopes', 'federation__requiresScopes'],
  policy: ['policy', 'federation__policy'],
};

function marksOf(directives: readonly ConstDirectiveNode[]): Marks | null {
  const marks: Marks = { authenticated: false, scopes: [], policies: [] };
  let any = false;
  for (const directive of directives) {
    const name = directive.name.value;
    if (NAMES.authenticated.includes(name)) {
      marks.authenticated = true;
      any = true;
    }
    if (NAMES.requiresScopes.includes(name)) {
      marks.scopes = listArgument(directive, 'scopes');
      any = true;
    }
    if (NAMES.policy.includes(name)) {
      marks.policies = listArgument(directive, 'policies');
      any = true;
    }
  }
  return any ? marks : null;
}

function listArgument(directive: ConstDirectiveNode, name: string): string[][] {
  const argument = directive.arguments?.find((a) => a.name.value === name);
  const value = argument ? valueFromASTUntyped(argument.value) : undefined;
  if (!Array.isArray(value) || !value.every((g) => Array.isArray(g) && g.every((s) => typeof s === 'string'))) {
    throw new Error(`@${directive.name.value}(${name}:) must be a list of lists of strings, got ${JSON.stringify(value)}`);
  }
  return value as string[][];
}

export function isSensitive(marks: Marks | undefined): boolean {
  return !!marks && (marks.scopes.length > 0 || marks.policies.length > 0);
}
