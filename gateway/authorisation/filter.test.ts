/**
 * The operation filter and the answer it leads to, over a small supergraph composed
 * with @apollo/composition that has what the regional contract lacks: an interface, a
 * union, a type-level requirement on one possible type, @policy, and denied non-null
 * fields (null propagation).
 */
import { composeServices } from '@apollo/composition';
import { buildSchema, parse, print, validate, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { activeDenials, applyDenials } from './denials.ts';
import { filterOperation, HIDDEN_KEY, type FilterPlan } from './filter.ts';
import { RequirementIndex } from './requirement-index.ts';
import type { CallerFacts } from './requirement.ts';
import { extractRequirements, stripRequirements } from './supergraph-directives.ts';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])
type Query {
  agents: [Agent!]!
  search: [SearchResult!]!
  colleague: Officer @authenticated
  officers: [Officer]
  node(id: ID!): Node
  me: Officer!
}
interface Node { id: ID! }
interface Agent { id: ID! alias: String }
interface Badged { id: ID! alias: String }
type Officer implements Agent & Badged @key(fields: "id") {
  id: ID!
  alias: String @requiresScopes(scopes: [["agent:alias"]])
  badge: String! @requiresScopes(scopes: [["officer:badge"], ["admin"]])
  region: String @policy(policies: [["sameRegion"]])
}
type Informant implements Agent @key(fields: "id") {
  id: ID!
  alias: String
  codename: String @requiresScopes(scopes: [["informant:read", "case:details"]])
}
type Secret implements Node @key(fields: "id") @requiresScopes(scopes: [["secret:read"]]) { id: ID! }
union SearchResult = Officer | Informant
`;

let schema: GraphQLSchema;
let index: RequirementIndex;

beforeAll(() => {
  const composed = composeServices([{ name: 'agents', url: 'http://127.0.0.1:1/graphql', typeDefs: parse(SDL) }]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  schema = buildSchema(stripRequirements(composed.supergraphSdl));
  // Federation refuses requirements on interfaces; a hand-written supergraph could carry
  // one, and the filter must still enforce it on fragments (defence in depth).
  const requirements = extractRequirements(composed.supergraphSdl);
  requirements.Badged = { type: { authenticated: false, scopes: [['badge:list']], policies: [] }, fields: {} };
  index = new RequirementIndex(schema, requirements);
});

function facts(scopes: string[], policies: Record<string, boolean> = {}, authenticated = true): CallerFacts {
  return { authenticated, scopes: new Set(scopes), policies: new Map(Object.entries(policies)) };
}

function plan(query: string, callerFacts: CallerFacts, operationName?: string): FilterPlan {
  const result = filterOperation(index, parse(query), operationName, callerFacts)!;
  // Whatever was removed, the document handed to the gateway must stay valid.
  expect(validate(schema, result.document)).toEqual([]);
  return result;
}

function answer(p: FilterPlan, data: Record<string, unknown>, variables?: Record<string, unknown>) {
  const result = applyDenials(structuredClone(data), activeDenials(p, variables));
  return {
    data: result.data,
    errors: result.errors.map((e) => ({ path: e.path, ...(e.extensions as { code: string; coordinate: string; missing: string }) })),
  };
}

describe('union and interface selections', () => {
  it('a field denied on one member of a union is nulled for that member only', () => {
    const p = plan('{ search { ... on Officer { id badge } ... on Informant { id codename } } }', facts(['officer:badge']));
    expect(print(p.document)).toContain(`${HIDDEN_KEY}: __typename`);
    const { data, errors } = answer(p, {
      search: [
        { id: 'o1', badge: 'B-1', [HIDDEN_KEY]: 'Officer' },
        { id: 'i1', [HIDDEN_KEY]: 'Informant' },
      ],
    });
    expect(data).toEqual({
      search: [
        { id: 'o1', badge: 'B-1' },
        { id: 'i1', codename: null },
      ],
    });
    expect(errors).toEqual([
      {
        path: ['search', 1, 'codename'],
        code: 'FORBIDDEN',
        coordinate: 'Informant.codename',
        missing: 'scope informant:read and scope case:details',
      },
    ]);
  });

  it('an interface field is denied when any implementation requires more than the caller has', () => {
    const p = plan('{ agents { id alias } }', facts([]));
    expect(activeDenials(p, {}).map((d) => [d.coordinate, d.missing])).toEqual([['Agent.alias', ['scope agent:alias']]]);
  });

  it('the same field through a fragment on the unrestricted implementation is allowed', () => {
    const p = plan('{ agents { id ... on Informant { alias } } }', facts([]));
    expect(p.changed).toBe(false);
  });

  it("a field returning an abstract type needs every possible type's requirement", () => {
    const denied = activeDenials(plan('{ node(id: "1") { id } }', facts(['agent:alias'])), {});
    expect(denied.map((d) => [d.coordinate, d.missing])).toEqual([['Query.node', ['scope secret:read']]]);
    expect(plan('{ node(id: "1") { id } }', facts(['secret:read'])).changed).toBe(false);
  });
});

describe('named fragments', () => {
  it('are filtered once on their type condition, so every place they are spread is withheld alike', () => {
    const p = plan(
      `
      { agents { ...A } colleague { ...A } }
      fragment A on Agent { id alias }`,
      facts([]),
    );
    const fragment = p.document.definitions.find((d) => d.kind === 'FragmentDefinition');
    expect(print(fragment!)).not.toContain('alias');
    const { data, errors } = answer(p, { agents: [{ id: 'o1' }], colleague: { id: 'o2' } });
    expect(data).toEqual({ agents: [{ id: 'o1', alias: null }], colleague: { id: 'o2', alias: null } });
    expect(errors.map((e) => e.path)).toEqual([
      ['agents', 0, 'alias'],
      ['colleague', 'alias'],
    ]);
  });

  it('a fragment left empty is dropped with its now unused definition', () => {
    const p = plan('{ colleague { id ...B } } fragment B on Officer { badge }', facts([]));
    expect(p.document.definitions).toHaveLength(1);
  });
});

describe('a fragment on a type whose own requirement the caller lacks', () => {
  it("denies the fields under it, with the type's requirement named", () => {
    const p = plan('{ colleague { alias ... on Badged { badge: alias } } }', facts(['agent:alias']));
    const { data, errors } = answer(p, { colleague: { alias: 'A' } });
    expect(data).toEqual({ colleague: { alias: 'A', badge: null } });
    expect(errors).toEqual([
      expect.objectContaining({ path: ['colleague', 'badge'], coordinate: 'Badged.alias', missing: 'scope badge:list' }),
    ]);
  });

  it('inlines a named fragment spread under it, so the fragment stays usable elsewhere', () => {
    const p = plan('{ colleague { ... on Badged { ...B } } officers { ...B } } fragment B on Officer { alias }', facts(['agent:alias']));
    expect(activeDenials(p, {}).map((d) => d.frames.map((f) => f.key).join('.'))).toEqual(['colleague.alias']);
    expect(print(p.document)).toContain('officers {\n    ...B');
  });
});

describe('null propagation for denied non-null fields', () => {
  it('nulls the nearest nullable parent: a nullable object, or a nullable list element', () => {
    const p = plan('{ colleague { id badge } officers { id badge } }', facts([]));
    const { data, errors } = answer(p, { colleague: { id: 'o1' }, officers: [{ id: 'o2' }, null, { id: 'o3' }] });
    expect(data).toEqual({ colleague: null, officers: [null, null, null] });
    expect(errors.map((e) => e.path)).toEqual([
      ['colleague', 'badge'],
      ['officers', 0, 'badge'],
      ['officers', 2, 'badge'],
    ]);
    expect(errors[0].missing).toBe('scope officer:badge or scope admin');
  });

  it('reaches `data` itself through non-null fields', () => {
    const { data } = answer(plan('{ me { id badge } }', facts([])), { me: { id: 'o1' } });
    expect(data).toBeNull();
  });

  it('a caller holding one of the alternative scopes sees the field', () => {
    expect(plan('{ me { badge } }', facts(['admin'])).changed).toBe(false);
  });
});

describe('policies, conditions and variables', () => {
  it('names the policy that failed', () => {
    const denied = activeDenials(plan('{ me { region } }', facts([], { sameRegion: false })), {});
    expect(denied.map((d) => d.missing)).toEqual([['policy sameRegion']]);
    expect(plan('{ me { region } }', facts([], { sameRegion: true })).changed).toBe(false);
  });

  it('reports a denied field only when its @include/@skip would have asked for it, defaults included', () => {
    const query = `query Q($withBadge: Boolean = false, $hideAlias: Boolean!) {
      colleague { id badge @include(if: $withBadge) ... @skip(if: $hideAlias) { alias } }
    }`;
    const p = plan(query, facts([]));
    expect(activeDenials(p, { hideAlias: true })).toEqual([]);
    expect(activeDenials(p, { withBadge: true, hideAlias: false }).map((d) => d.coordinate)).toEqual(['Officer.badge', 'Officer.alias']);
  });

  it('removes variable definitions only the removed fields used', () => {
    const p = plan(
      'query Q($id: ID!, $flag: Boolean!) { colleague { id badge @include(if: $flag) } node(id: $id) { id } }',
      facts(['secret:read']),
      'Q',
    );
    expect(print(p.document)).toContain('query Q($id: ID!)');
  });

  it('keeps only the operation being run', () => {
    const p = plan('query A { colleague { badge } } query B { officers { id } }', facts([]), 'A');
    expect(p.document.definitions).toHaveLength(1);
    expect(print(p.document)).not.toContain('officers');
  });
});

describe('authentication', () => {
  it('an anonymous caller is told authentication is missing, beside any scope', () => {
    const denied = activeDenials(plan('{ node(id: "x") { id } colleague { id } }', facts([], {}, false)), {});
    expect(denied.map((d) => [d.coordinate, d.missing])).toEqual([
      ['Query.node', ['scope secret:read']],
      ['Query.colleague', ['authentication']],
    ]);
    expect(activeDenials(plan('{ colleague { id } }', facts([])), {})).toEqual([]);
  });
});
