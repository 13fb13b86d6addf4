/** Hidden key selections: where they are added, how they are read back and removed, and what they never touch. */
import { buildSchema, GraphQLError, parse, print, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { HIDDEN_KEY_PREFIX, hiddenKeys, hiddenKeysQueryHash } from './hidden-keys.ts';
import { takeDisclosed, withoutHiddenPaths } from './take-disclosed.ts';

const schema = buildSchema(`
  type Query { person(idNumber: String!): Person  search: [Found!]!  regions: [String!]! }
  union Found = Person | Case
  type Person { idNumber: String! name: String! records: [PersonRecord!]! cases: [Involvement!]! }
  type PersonRecord { id: ID! idNumber: String! name: String! }
  type Involvement { role: String! case: Case }
  type Case { id: ID! caseNumber: String! vehicles: [Vehicle!] }
  type Vehicle { plate: String! alerted: Boolean! }
`);
const X = '320102198001011238';
const Y = '11010519491231002X';
const P = `${HIDDEN_KEY_PREFIX}_Person_idNumber`;
const R_ID = `${HIDDEN_KEY_PREFIX}_PersonRecord_id`;
const R_NUMBER = `${HIDDEN_KEY_PREFIX}_PersonRecord_idNumber`;
const C = `${HIDDEN_KEY_PREFIX}_Case_id`;
const V = `${HIDDEN_KEY_PREFIX}_Vehicle_plate`;

describe('hiddenKeys', () => {
  it("adds each subject type's keys to its selections, in fragments and under abstract types, and the result stays valid", () => {
    const document = parse(`
      query($v: Boolean = true) {
        who: person(idNumber: "${X}") @include(if: $v) { n: name ...R }
        search { ... on Case { caseNumber } }
        regions
      }
      fragment R on Person { records { name } cases { case { vehicles { alerted } } } }
    `);
    const hidden = hiddenKeys(schema, document);
    const text = print(hidden.document);
    expect(text).toContain(`...R\n    ${P}: idNumber\n  }`); // on the aliased lookup
    expect(text).toContain(`records {\n    name\n    ${R_NUMBER}: idNumber\n    ${R_ID}: id\n  }`); // in the fragment
    expect(text).toContain(`vehicles {\n        alerted\n        ${V}: plate\n      }\n      ${C}: id`); // nested links
    expect(text).toContain(`... on Person {\n      ${P}: idNumber\n    }`); // under the union, for each member type
    expect(text).toContain(`... on Case {\n      ${C}: id\n    }`);
    expect(text).toContain('regions\n}'); // no subject type, nothing added
    expect(validate(schema, hidden.document)).toEqual([]);
    expect([...hidden.aliases]).toEqual(
      expect.arrayContaining([
        [P, 'persons'],
        [R_ID, 'records'],
        [R_NUMBER, 'persons'],
        [C, 'cases'],
        [V, 'plates'],
      ]),
    );
  });

  it('is worked out once per document', () => {
    const document = parse('{ person(idNumber: "x") { name } }');
    expect(hiddenKeys(schema, document)).toBe(hiddenKeys(schema, document));
    expect(hiddenKeysQueryHash('a'.repeat(64))).toMatch(/^[0-9a-f]{64}$/);
    expect(hiddenKeysQueryHash('a'.repeat(64))).not.toBe('a'.repeat(64));
  });

  it("picks a prefix no name of the client's operation starts with, so a client alias cannot pose as a key", () => {
    const document = parse(`{ person(idNumber: "${X}") { ${P}: name ${HIDDEN_KEY_PREFIX}1: name } }`);
    const hidden = hiddenKeys(schema, document);
    expect([...hidden.aliases.keys()]).toEqual([`${HIDDEN_KEY_PREFIX}2_Person_idNumber`]);
    const data = { person: { [P]: 'Zhang', [`${HIDDEN_KEY_PREFIX}1`]: 'Zhang', [`${HIDDEN_KEY_PREFIX}2_Person_idNumber`]: X } };
    expect(takeDisclosed(data, hidden).persons).toEqual([X]);
    expect(data).toEqual({ person: { [P]: 'Zhang', [`${HIDDEN_KEY_PREFIX}1`]: 'Zhang' } });
  });
});

describe('takeDisclosed', () => {
  const hidden = hiddenKeys(
    schema,
    parse('{ person(idNumber: "x") { records { name } cases { case { caseNumber vehicles { alerted } } } } }'),
  );

  it("reads every hidden key at any depth, normalised and sorted, and leaves exactly the client's answer", () => {
    const data = {
      person: {
        [P]: X,
        records: [
          { name: 'Zhang', [R_ID]: 'JS:P-1', [R_NUMBER]: X },
          { name: 'Li', [R_ID]: 'GZ:P-9', [R_NUMBER]: '320102800101123' },
        ],
        cases: [{ case: { caseNumber: 'A1', [C]: 'JS:C-1', vehicles: [{ alerted: true, [V]: '苏a·12345' }] } }, { case: null }],
      },
    };
    expect(takeDisclosed(data, hidden)).toEqual({ persons: [X], cases: ['JS:C-1'], plates: ['蘇A12345'], records: ['GZ:P-9', 'JS:P-1'] });
    expect(data).toEqual({
      person: {
        records: [{ name: 'Zhang' }, { name: 'Li' }],
        cases: [{ case: { caseNumber: 'A1', vehicles: [{ alerted: true }] } }, { case: null }],
      },
    });
  });

  it('names nobody for what came back null or not at all', () => {
    expect(takeDisclosed(null, hidden)).toEqual({ persons: [], cases: [], plates: [], records: [] });
    expect(takeDisclosed({ person: null }, hidden).persons).toEqual([]);
    expect(takeDisclosed({ person: { [P]: null, records: [{ [R_NUMBER]: Y }] } }, hidden).persons).toEqual([Y]);
  });

  it('reports an error at a hidden key at the object that holds it', () => {
    const errors = [
      new GraphQLError('region failed', { path: ['person', 'records', 0, R_NUMBER] }),
      new GraphQLError('other', { path: ['person'] }),
    ];
    const shown = withoutHiddenPaths(errors, hidden);
    expect(shown.map((e) => e.path)).toEqual([['person', 'records', 0], ['person']]);
    expect(shown[1]).toBe(errors[1]);
    expect(withoutHiddenPaths([errors[1]], hidden)).toEqual([errors[1]]);
  });
});
