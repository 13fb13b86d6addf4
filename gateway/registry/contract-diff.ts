/**
 * Where a region's served schema differs from the contract, type by type and field by
 * field, so a refusal can say "Person.phone: contract String, served String!" instead
 * of "schemas differ".
 *
 * Descriptions are ignored (wording is not a contract break); everything the gateway
 * plans or authorises by is compared: fields, arguments and their types and defaults,
 * enum values, union members, implemented interfaces, and applied directives (@key,
 * @requiresScopes, …). Federation's own machinery (`_Service`, `_Entity`, `_Any`,
 * `link__*`, `federation__*`, `_service`, `_entities`) is added by the subgraph library
 * and left out.
 */
import {
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
} from 'graphql';

/** One difference, named by its schema coordinate (`Type` or `Type.field`). */
export interface ContractDifference {
  coordinate: string;
  /** `missing`: in the contract, not served; `extra`: served, not in the contract; `changed`: both, different. */
  kind: 'missing' | 'extra' | 'changed';
  contract: string | null;
  served: string | null;
}

const FEDERATION_TYPES = new Set(['_Service', '_Entity', '_Any', '_FieldSet', 'FieldSet', 'link__Import', 'link__Purpose']);
const FEDERATION_FIELDS = new Set(['_service', '_entities']);

const isFederationType = (name: string) => FEDERATION_TYPES.has(name) || name.startsWith('link__') || name.startsWith('federation__');

/** `coordinate → signature` for everything comparable in the document. */
export function schemaSignatures(doc: DocumentNode): Map<string, string> {
  const out = new Map<string, string>();
  for (const definition of doc.definitions) addDefinition(out, definition);
  return out;
}

function directivesOf(nodes: readonly ConstDirectiveNode[] | undefined): string {
  const list = (nodes ?? []).map((d) => print(d)).sort();
  return list.length ? ` ${list.join(' ')}` : '';
}

function argumentOf(arg: InputValueDefinitionNode): string {
  const value = arg.defaultValue ? ` = ${print(arg.defaultValue)}` : '';
  return `${arg.name.value}: ${print(arg.type)}${value}${directivesOf(arg.directives)}`;
}

function fieldOf(field: FieldDefinitionNode | InputValueDefinitionNode): string {
  if (field.kind === Kind.INPUT_VALUE_DEFINITION) return argumentOf(field);
  const args = field.arguments?.length ? `(${field.arguments.map(argumentOf).join(', ')})` : '';
  return `${args}: ${print(field.type)}${directivesOf(field.directives)}`;
}

/** Types and their members; `extend type` merges into the type it extends (the contract uses both forms). */
function addDefinition(out: Map<string, string>, definition: DefinitionNode): void {
  if (!('name' in definition) || !definition.name || definition.kind === Kind.DIRECTIVE_DEFINITION) return;
  const name = definition.name.value;
  if (isFederationType(name)) return;
  const merge = (coordinate: string, signature: string) => {
    const before = out.get(coordinate);
    out.set(coordinate, before && before !== signature ? `${before} ${signature}`.trim() : signature);
  };
  const kindWord = definition.kind
    .replace(/_TYPE_(DEFINITION|EXTENSION)$/, '')
    .replace(/_DEFINITION$|_EXTENSION$/, '')
    .toLowerCase();
  const interfaces =
    'interfaces' in definition && definition.interfaces?.length
      ? ` implements ${definition.interfaces
          .map((i) => i.name.value)
          .sort()
          .join(' & ')}`
      : '';
  merge(
    name,
    `${kindWord}${interfaces}${directivesOf('directives' in definition ? (definition.directives as ConstDirectiveNode[]) : undefined)}`,
  );
  if ('fields' in definition && definition.fields) {
    for (const field of definition.fields) {
      if (FEDERATION_FIELDS.has(field.name.value)) continue;
      out.set(`${name}.${field.name.value}`, fieldOf(field));
    }
  }
  if ('values' in definition && definition.values) {
    for (const value of definition.values) out.set(`${name}.${value.name.value}`, `value${directivesOf(value.directives)}`);
  }
  if ('types' in definition && definition.types) {
    out.set(
      `${name}|members`,
      definition.types
        .map((t) => t.name.value)
        .sort()
        .join(' | '),
    );
  }
}

/** Every difference between the contract and the served SDL, sorted by coordinate. */
export function diffSchemas(contract: DocumentNode, served: DocumentNode): ContractDifference[] {
  const want = schemaSignatures(contract);
  const got = schemaSignatures(served);
  const out: ContractDifference[] = [];
  for (const [coordinate, signature] of want) {
    const actual = got.get(coordinate);
    if (actual === undefined) out.push({ coordinate, kind: 'missing', contract: signature, served: null });
    else if (actual !== signature) out.push({ coordinate, kind: 'changed', contract: signature, served: actual });
  }
  for (const [coordinate, signature] of got) {
    if (!want.has(coordinate)) out.push({ coordinate, kind: 'extra', contract: null, served: signature });
  }
  return out
    .map((d) => ({ ...d, coordinate: d.coordinate.replace('|members', '') }))
    .sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}

export function diffSdl(contract: DocumentNode, servedSdl: string): ContractDifference[] {
  return diffSchemas(contract, parse(servedSdl));
}

/** `Person.phone (changed: contract "…", served "…")`, one per line. */
export function describeDifference(d: ContractDifference): string {
  switch (d.kind) {
    case 'missing':
      return `${d.coordinate} (missing: the contract has "${d.contract}")`;
    case 'extra':
      return `${d.coordinate} (not in the contract: served "${d.served}")`;
    case 'changed':
      return `${d.coordinate} (changed: contract "${d.contract}", served "${d.served}")`;
  }
}
