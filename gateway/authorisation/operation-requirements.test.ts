/**
 * The per-operation requirement analysis: what it lists, that a caller meeting all of it
 * is exactly a caller the filter denies nothing (so the authoriser may skip the filter),
 * and that an operation no caller could run is named unplannable.
 */
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { understand } from '../../common/operations/understood.ts';
import { filterOperation } from './filter.ts';
import { operationRequirements } from './operation-requirements.ts';
import { RequirementIndex } from './requirement-index.ts';
import { missing, type CallerFacts, type Requirement, type RequirementMap } from './requirement.ts';

const schema = buildSchema(`
  type Query { agents: [Agent!]! search: [Result!]! me: Officer! }
  interface Agent { id: ID! alias: String }
  type Officer implements Agent { id: ID! alias: String badge: String region: String }
  type Informant implements Agent { id: ID! alias: String codename: String }
  union Result = Officer | Informant
`);
const scopes = (...groups: string[][]): Requirement => ({ authenticated: false, scopes: groups, policies: [] });
const requirements: RequirementMap = {
  Officer: { fields: { alias: scopes(['agent:alias']), badge: scopes(['officer:badge'], ['admin']) } },
  Informant: { type: scopes(['informant:read']), fields: { codename: scopes(['informant:read', 'case:details']) } },
};
const index = new RequirementIndex(schema, requirements);

const OPERATIONS = [
  '{ me { id badge } }',
  '{ agents { id alias } }',
  '{ search { ... on Officer { id alias } ...I } } fragment I on Informant { id codename }',
  '{ me { ...O } agents { ...O } } fragment O on Officer { region badge }',
  '{ search { __typename } me { id } }',
];
const CALLERS: CallerFacts[] = [
  [],
  ['officer:badge'],
  ['admin', 'agent:alias'],
  ['agent:alias', 'informant:read'],
  ['agent:alias', 'informant:read', 'case:details', 'officer:badge'],
].map((s) => ({ authenticated: true, scopes: new Set(s), policies: new Map() }));

describe('operationRequirements', () => {
  it('lists each distinct requirement an operation meets: fields, and fragments on their type conditions', () => {
    const analysis = operationRequirements(index, understand(parse(OPERATIONS[2])));
    expect(analysis).toEqual({
      kind: 'requirements',
      // `search` itself needs what its possible type Informant needs; the Officer fragment adds nothing.
      requirements: [scopes(['informant:read']), scopes(['agent:alias']), scopes(['informant:read', 'case:details'])],
    });
    expect(operationRequirements(index, understand(parse('{ me { id region } }')))).toEqual({ kind: 'requirements', requirements: [] });
  });

  it('is met by a caller exactly when the filter denies that caller nothing', () => {
    for (const text of OPERATIONS) {
      const document = parse(text);
      const analysis = operationRequirements(index, understand(document));
      if (analysis.kind !== 'requirements') throw new Error(`${text}: ${analysis.reason}`);
      for (const caller of CALLERS) {
        const meetsAll = analysis.requirements.every((r) => missing(r, caller).length === 0);
        const plan = filterOperation(index, document, null, caller);
        expect(plan?.denials.length === 0, `${text} for ${[...caller.scopes].join(',') || 'no scopes'}`).toBe(meetsAll);
      }
    }
  });

  it('names an operation that cannot be planned for anyone, and why', () => {
    const mutation = operationRequirements(index, understand(parse('mutation M { me { id } }')));
    expect(mutation).toEqual({ kind: 'unplannable', reason: 'it is a mutation, and this graph has no mutations' });
    const unknown = operationRequirements(index, understand(parse('{ me { rank } }')));
    expect(unknown).toEqual({ kind: 'unplannable', reason: 'Officer.rank is not in the schema' });
    const none = operationRequirements(index, understand(parse('query A { me { id } } query B { me { id } }'), 'C'));
    expect(none).toEqual({ kind: 'unplannable', reason: 'the document holds no operation named "C"' });
  });
});
