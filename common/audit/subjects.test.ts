import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { extractSubjects } from './subjects.ts';

const schema = buildSchema(`
  type Query { person(idNumber: String!): Person  anything: [Thing!]!  vehicle(plate: String!): Vehicle }
  union Thing = Case | Vehicle
  type Person { idNumber: String! name: String! }
  type Case { id: ID! parties: [Person!]! }
  type Vehicle { plate: String! owner: Person }
`);
const X = '320102198001011238';

function subjects(query: string, data: unknown, variables: Record<string, unknown> = {}) {
  return extractSubjects(schema, parse(query), undefined, data, variables);
}

describe('extractSubjects', () => {
  it('follows aliases, unions (by __typename) and nested lists', () => {
    const found = subjects(
      '{ anything { __typename ... on Case { k: id parties { who: idNumber } } ... on Vehicle { p: plate owner { idNumber } } } }',
      {
        anything: [
          { __typename: 'Case', k: 'JS:C-1', parties: [{ who: X }] },
          { __typename: 'Vehicle', p: '蘇A12345', owner: null },
        ],
      },
    );
    expect(found).toEqual({ persons: [X], cases: ['JS:C-1'], plates: ['蘇A12345'], records: [] });
  });

  it('takes the key of a lookup that returned something, normalised, even when not selected', () => {
    expect(
      subjects('query($id: String!) { person(idNumber: $id) { name } }', { person: { name: 'Zhang' } }, { id: '320102800101123' }).persons,
    ).toEqual([X]);
    expect(subjects('{ vehicle(plate: "苏a·12345") { owner { name } } }', { vehicle: { owner: null } }).plates).toEqual(['蘇A12345']);
    expect(subjects(`{ person(idNumber: "${X}") { name } }`, { person: null }).persons).toEqual([]);
  });

  it('ignores what @skip removed and what came back null', () => {
    const found = subjects('query($s: Boolean!) { a: person(idNumber: "x") @skip(if: $s) { idNumber } }', {}, { s: true });
    expect(found.persons).toEqual([]);
  });

  it('reads @include/@skip conditions from the coerced variables: a declared default applies when none is sent', () => {
    const query = `query($v: Boolean = true, $s: Boolean = false) { person(idNumber: "${X}") @include(if: $v) { idNumber } b: person(idNumber: "11010519491231002X") @skip(if: $s) { idNumber } }`;
    const data = { person: { idNumber: X }, b: { idNumber: '11010519491231002X' } };
    expect(subjects(query, data).persons).toEqual(['11010519491231002X', X]);
    expect(subjects(query, { b: data.b }, { v: false }).persons).toEqual(['11010519491231002X']);
  });

  it('refuses variables that do not fit the operation, naming them and their types but not their values (personal data)', () => {
    const run = () => subjects('query($v: Boolean!) { person(idNumber: "x") @include(if: $v) { idNumber } }', { person: null }, { v: X });
    expect(run).toThrow('$v: expected Boolean!, got a string');
    expect(run).not.toThrow(X);
  });
});
