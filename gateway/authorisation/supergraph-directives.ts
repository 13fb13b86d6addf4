/**
 * Federation's authorisation directives in a composed supergraph: reading them into a
 * RequirementMap, and removing them.
 *
 * `@apollo/gateway` refuses a supergraph that links the `authenticated`,
 * `requiresScopes` or `policy` specs `for: SECURITY` (it cannot enforce them), so
 * Liandong reads them here, enforces them itself (filter.ts) and hands the gateway the
 * stripped supergraph. Directive names are resolved through the supergraph's `@link`s,
 * so a spec imported under another name (`as:`) is still found.
 */
import { Kind, parse, print, visit, type ConstDirectiveNode, type ConstValueNode, type DefinitionNode, type DocumentNode } from 'graphql';
import type { Requirement, RequirementMap } from './requirement.ts';

const SPECS = {
  authenticated: 'https://specs.apollo.dev/authenticated/',
  requiresScopes: 'https://specs.apollo.dev/requiresScopes/',
  policy: 'https://specs.apollo.dev/policy/',
} as const;
type Spec = keyof typeof SPECS;

/** Local directive name → spec, from the schema's `@link(url:, as:)` directives. */
function linkedDirectives(doc: DocumentNode): Map<string, Spec> {
  const names = new Map<string, Spec>();
  for (const def of doc.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of def.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = stringArg(link, 'url');
      const spec = (Object.keys(SPECS) as Spec[]).find((s) => url?.startsWith(SPECS[s]));
      if (spec) names.set(stringArg(link, 'as') ?? spec, spec);
    }
  }
  return names;
}

function stringArg(directive: ConstDirectiveNode, name: string): string | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
}

/** `[["a","b"],["c"]]` as written in the SDL; a bare string or flat list is coerced like GraphQL input. */
function nestedStrings(value: ConstValueNode | undefined): string[][] {
  if (!value) return [];
  const outer = value.kind === Kind.LIST ? value.values : [value];
  return outer.map((inner) =>
    (inner.kind === Kind.LIST ? inner.values : [inner]).map((v) =>
      v.kind === Kind.STRING ? v.value : String((v as { value?: unknown }).value),
    ),
  );
}

function requirementOf(directives: readonly ConstDirectiveNode[] | undefined, names: Map<string, Spec>): Requirement | undefined {
  let found: Requirement | undefined;
  for (const d of directives ?? []) {
    const spec = names.get(d.name.value);
    if (!spec) continue;
    found ??= { authenticated: false, scopes: [], policies: [] };
    if (spec === 'authenticated') found.authenticated = true;
    const arg = d.arguments?.find((a) => a.name.value === (spec === 'policy' ? 'policies' : 'scopes'))?.value;
    if (spec === 'requiresScopes') found.scopes.push(...nestedStrings(arg));
    if (spec === 'policy') found.policies.push(...nestedStrings(arg));
  }
  return found;
}

const TYPE_KINDS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
  Kind.SCALAR_TYPE_DEFINITION,
  Kind.ENUM_TYPE_DEFINITION,
]);

/** Reads every authorisation directive of a supergraph into a map by type and field. */
export function extractRequirements(supergraphSdl: string): RequirementMap {
  const doc = parse(supergraphSdl);
  const names = linkedDirectives(doc);
  const map: RequirementMap = {};
  for (const def of doc.definitions) {
    if (!TYPE_KINDS.has(def.kind)) continue;
    const typeDef = def as DefinitionNode & {
      name: { value: string };
      directives?: readonly ConstDirectiveNode[];
      fields?: readonly { name: { value: string }; directives?: readonly ConstDirectiveNode[] }[];
    };
    const entry = (map[typeDef.name.value] ??= { fields: {} });
    const own = requirementOf(typeDef.directives, names);
    if (own) entry.type = own;
    for (const field of typeDef.fields ?? []) {
      const req = requirementOf(field.directives, names);
      if (req) entry.fields[field.name.value] = req;
    }
    if (!entry.type && Object.keys(entry.fields).length === 0) delete map[typeDef.name.value];
  }
  return map;
}

/**
 * The supergraph without the authorisation specs: their `@link`s, directive and scalar
 * definitions, and every use of the directives. What `@apollo/gateway` accepts.
 */
export function stripRequirements(supergraphSdl: string): string {
  const doc = parse(supergraphSdl);
  const names = linkedDirectives(doc);
  const isSpecLink = (d: ConstDirectiveNode) =>
    d.name.value === 'link' && Object.values(SPECS).some((url) => stringArg(d, 'url')?.startsWith(url));
  // Spec-owned scalars are prefixed with the spec's local name (`requiresScopes__Scope`).
  const ownedByRemovedSpec = (name: string) => [...names.keys()].some((n) => name.startsWith(`${n}__`));
  const stripped = visit(doc, {
    Directive: (d) => (names.has(d.name.value) || isSpecLink(d as ConstDirectiveNode) ? null : undefined),
    DirectiveDefinition: (d) => (names.has(d.name.value) ? null : undefined),
    ScalarTypeDefinition: (d) => (ownedByRemovedSpec(d.name.value) ? null : undefined),
    EnumTypeDefinition: (d) => (ownedByRemovedSpec(d.name.value) ? null : undefined),
  });
  return print(stripped);
}
