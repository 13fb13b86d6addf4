import { buildSchema, getIntrospectionQuery, graphqlSync } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { RequirementMap } from '../authorisation/requirement.ts';
import { describeRequirement, RequirementDocs } from './requirement-docs.ts';

const schema = buildSchema(`
  type Query { "A person." person(id: ID!): Person  regions: [String!]! }
  "A person record."
  type Person { name: String!  phone: String }
`);

const requirements: RequirementMap = {
  Query: { fields: { person: { authenticated: true, scopes: [], policies: [] } } },
  Person: {
    type: { authenticated: true, scopes: [['person:read']], policies: [] },
    fields: { phone: { authenticated: false, scopes: [['person:contact']], policies: [['sameRegion'], ['assistanceLink']] } },
  },
};

function introspect(): any {
  const result = graphqlSync({ schema, source: getIntrospectionQuery({ descriptions: true }) });
  return result.data;
}

function typeOf(data: any, name: string): any {
  return data.__schema.types.find((t: any) => t.name === name);
}

describe('describeRequirement', () => {
  it('names every scope and policy, alternatives joined by "or"', () => {
    expect(describeRequirement({ authenticated: true, scopes: [['a', 'b'], ['c']], policies: [['p'], ['q']] })).toBe(
      'Requires: authentication; (scope a and scope b) or scope c; policy p or policy q',
    );
  });

  it('says nothing when there is no requirement', () => {
    expect(describeRequirement({ authenticated: false, scopes: [], policies: [] })).toBeNull();
  });
});

describe('RequirementDocs', () => {
  it("appends each type's and field's requirement to its description", () => {
    const data = introspect();
    new RequirementDocs(schema, requirements).decorateResult(data);
    const person = typeOf(data, 'Person');
    expect(person.description).toBe('A person record.\n\nRequires: authentication; scope person:read');
    const phone = person.fields.find((f: any) => f.name === 'phone');
    // The parent type's requirement is part of what reaching the field takes.
    expect(phone.description).toBe(
      'Requires: authentication; scope person:read and scope person:contact; policy sameRegion or policy assistanceLink',
    );
    const query = typeOf(data, 'Query');
    expect(query.fields.find((f: any) => f.name === 'person').description).toBe('A person.\n\nRequires: authentication; scope person:read');
    expect(query.fields.find((f: any) => f.name === 'regions').description).toBeNull();
  });

  it('decorates a single `__type` lookup too', () => {
    const result = graphqlSync({ schema, source: '{ __type(name: "Person") { name description fields { name description } } }' });
    new RequirementDocs(schema, requirements).decorateResult(result.data as Record<string, unknown>);
    expect((result.data as any).__type.description).toContain('Requires: authentication; scope person:read');
  });
});
