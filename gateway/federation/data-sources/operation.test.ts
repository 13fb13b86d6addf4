import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { cutOperation, readFetch, requestsByRegion, variableDefinition, withArgumentVariable } from './operation.ts';

const QUERY = `query Op($a: ID!, $b: ID!, $unused: Int) {
  x: case(id: $a) { ...F }
  y: case(id: $b) { id }
}
fragment F on Case { id place }`;

describe('cutting a fetch operation per region', () => {
  const fetch = readFetch({ query: QUERY, variables: { a: 'JS:1', b: 'GZ:2' }, operationName: 'Op' });

  it('keeps only the variables and fragments the kept fields use', () => {
    const printed = print(cutOperation(fetch, [{ field: fetch.rootFields[1], regions: ['GZ'] }]));
    expect(printed).toBe('query Op($b: ID!) {\n  y: case(id: $b) {\n    id\n  }\n}');
    const withFragment = print(cutOperation(fetch, [{ field: fetch.rootFields[0], regions: ['JS'] }]));
    expect(withFragment).toMatch(/query Op\(\$a: ID!\)[\s\S]*fragment F on Case/);
  });

  it("gives regions that get every field the planner's own text, and others a cut", () => {
    const requests = requestsByRegion(fetch, [
      { field: fetch.rootFields[0], regions: ['JS', 'GZ'] },
      { field: fetch.rootFields[1], regions: ['GZ'] },
    ]);
    expect(requests.get('GZ')!.query).toBe(QUERY);
    expect(requests.get('JS')!.query).not.toMatch(/y: case/);
    expect(() => parse(requests.get('JS')!.query)).not.toThrow();
  });

  it('rewrites an argument to a per-region variable', () => {
    const field = withArgumentVariable(fetch.rootFields[1], 'id', '_ld_x');
    const requests = requestsByRegion(fetch, [
      {
        field,
        regions: ['JS', 'HB'],
        addedVariables: [variableDefinition('_ld_x', 'ID')],
        variablesFor: (region) => ({ _ld_x: `${region}:9` }),
      },
    ]);
    expect(requests.get('JS')!.query).toMatch(/query Op\(\$_ld_x: ID\)[\s\S]*case\(id: \$_ld_x\)/);
    expect(requests.get('JS')!.variables).toMatchObject({ _ld_x: 'JS:9' });
    expect(requests.get('HB')!.variables).toMatchObject({ _ld_x: 'HB:9' });
  });
});
