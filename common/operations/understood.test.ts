import { buildSchema, parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { reachedFragments, understand } from './understood.ts';
import { VariablesError } from './variables.ts';

const names = (fields: readonly FieldNode[]) => fields.map((f) => f.alias?.value ?? f.name.value);

describe('understand', () => {
  const document = parse(`
    query A($on: Boolean = true) { ...Root p: person(idNumber: "1") { ... on Person { idNumber } } }
    query B { __schema { queryType { name } } }
    fragment Root on Query { ... on Query { __type(name: "Person") { name } } vehicle(plate: "X") { ...V } }
    fragment V on Vehicle { plate }
    fragment Unused on Vehicle { plate }
  `);

  it('selects the named operation and expands its root through fragments, in document order', () => {
    const a = understand(document, 'A');
    expect(a.operation?.name?.value).toBe('A');
    expect(names(a.rootFields)).toEqual(['__type', 'vehicle', 'p']);
    expect(a.introspection).toBe(true);
    expect(understand(document, 'B').introspection).toBe(true);
  });

  it('gives the type condition each field sits under', () => {
    const a = understand(document, 'A');
    const vehicle = a.rootFields.find((f) => f.name.value === 'vehicle')!;
    expect(a.fieldsInContext(vehicle.selectionSet!)).toEqual([
      { field: expect.objectContaining({ kind: 'Field' }), typeCondition: 'Vehicle' },
    ]);
  });

  it('scopes the operation to the fragments it reaches, not those of other operations or none', () => {
    const scope = understand(document, 'A').scope.definitions.map((d) => ('name' in d ? d.name?.value : undefined));
    expect(scope).toEqual(['A', 'Root', 'V']);
  });

  it('is computed once per document and operation name', () => {
    expect(understand(document, 'A')).toBe(understand(document, 'A'));
    expect(understand(document, 'A')).not.toBe(understand(document, 'B'));
  });

  it('selects no operation for an unknown name, or for several operations and no name', () => {
    expect(understand(document, 'C').operation).toBeNull();
    expect(understand(document).operation).toBeNull();
    expect(understand(document).rootFields).toEqual([]);
    expect(understand(parse('{ a }')).operation?.operation).toBe('query');
  });

  it('does not loop on a cyclic fragment (a validation error reported elsewhere)', () => {
    const cyclic = understand(parse('{ ...F } fragment F on Query { a ...G } fragment G on Query { b ...F }'));
    expect(names(cyclic.rootFields)).toEqual(['a', 'b']);
  });

  it('coerces the variables to their declarations, defaults applied, naming a misfit without its value', () => {
    const schema = buildSchema('type Query { a(n: Int): Int }');
    const withDefault = understand(parse('query Q($n: Int = 3, $m: Int) { a(n: $n) b: a(n: $m) }'), 'Q');
    expect(withDefault.variables(schema, {})).toEqual({ n: 3 });
    expect(() => withDefault.variables(schema, { m: 'secret-110101' })).toThrow(VariablesError);
    expect(() => withDefault.variables(schema, { m: 'secret-110101' })).toThrow(/\$m: expected Int, got a string/);
  });
});

describe('reachedFragments', () => {
  const document = parse('{ ...A } fragment A on Q { ...B } fragment B on Q { x } fragment C on Q { y }');
  const fragments = understand(document).fragments;
  const operation = document.definitions[0] as OperationDefinitionNode;

  it('follows spreads through fragments, each once', () => {
    expect(reachedFragments([operation], fragments).map((f) => f.name.value)).toEqual(['A', 'B']);
  });

  it('reports an unknown spread to the caller', () => {
    const missing: string[] = [];
    reachedFragments([parse('{ ...Z }').definitions[0]], fragments, (name) => missing.push(name));
    expect(missing).toEqual(['Z']);
  });
});
