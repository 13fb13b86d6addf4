import { describe, expect, it } from 'vitest';
import { Kind, isObjectType, isInputObjectType, isEnumType, parse, type DefinitionNode } from 'graphql';
import { printSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { buildContractSchemas, contractTypeDefs } from './contract.ts';
import { CONTRACT_PARTS } from './context.ts';

const schemas = buildContractSchemas();

/** `Type` and `Type.field` → description, as written in the contract SDL. */
function sdlDescriptions(definitions: readonly DefinitionNode[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const def of definitions) {
    if (!('name' in def) || !def.name || def.kind === Kind.DIRECTIVE_DEFINITION) continue;
    const typeName = def.name.value;
    if ('description' in def) out.set(typeName, def.description?.value);
    const members = 'fields' in def ? def.fields : 'values' in def ? def.values : undefined;
    for (const member of members ?? []) out.set(`${typeName}.${member.name.value}`, member.description?.value);
  }
  return out;
}

function servedDescription(part: (typeof CONTRACT_PARTS)[number], coordinate: string): string | undefined {
  const [typeName, member] = coordinate.split('.');
  const type = schemas[part].getType(typeName);
  if (!type) return undefined;
  if (!member) return type.description ?? undefined;
  if (isObjectType(type) || isInputObjectType(type)) return type.getFields()[member]?.description ?? undefined;
  if (isEnumType(type)) return type.getValue(member)?.description ?? undefined;
  return undefined;
}

describe('contract schemas', () => {
  it.each(CONTRACT_PARTS)('%s keeps every description of the contract', (part) => {
    const expected = sdlDescriptions(contractTypeDefs(part).definitions);
    expect(expected.size).toBeGreaterThan(10);
    const lost = [...expected].filter(([coordinate, text]) => servedDescription(part, coordinate) !== text);
    expect(lost).toEqual([]);
  });

  it.each(CONTRACT_PARTS)('%s serves through _service the SDL it was built from', (part) => {
    const served = parse(printSubgraphSchema(schemas[part]));
    expect(sdlDescriptions(served.definitions)).toEqual(sdlDescriptions(contractTypeDefs(part).definitions));
  });

  it('the three parts compose into one supergraph', () => {
    const result = composeServices(
      CONTRACT_PARTS.map((part) => ({
        name: part,
        url: `http://127.0.0.1/${part}`,
        typeDefs: parse(printSubgraphSchema(schemas[part])),
      })),
    );
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    expect(result.supergraphSdl).toContain('searchPersons');
  });
});
