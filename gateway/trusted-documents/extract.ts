/**
 * Builds a trusted documents manifest from a client app's `.graphql` files: one document
 * per operation, holding the operation and the fragments it uses (transitively), printed
 * canonically so the same source always gives the same id.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, type DefinitionNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { reachedFragments } from '../../common/operations/understood.ts';
import { MANIFEST_FORMAT, sha256Hex } from './manifest.ts';

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  operations: { id: string; name: string | null; type: string; body: string }[];
}

/** Every `.graphql`/`.gql` file under the given files and folders, in a stable order. */
export function graphqlFiles(paths: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== 'node_modules' && !name.startsWith('.')) walk(join(path, name));
    } else if (/\.(graphql|gql)$/.test(path)) {
      found.push(path);
    }
  };
  for (const path of paths) walk(path);
  return found;
}

/** Throws naming the file of a syntax error, an anonymous operation or a repeated name. */
export function extractManifest(files: readonly string[]): Manifest {
  const operations: { operation: OperationDefinitionNode; file: string }[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const file of files) {
    let definitions: readonly DefinitionNode[];
    try {
      definitions = parse(readFileSync(file, 'utf8')).definitions;
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
    for (const definition of definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name)
          throw new Error(`${file}: an operation without a name; trusted documents are named (the name labels metrics and audit)`);
        operations.push({ operation: definition, file });
      } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(definition.name.value)) throw new Error(`${file}: fragment ${definition.name.value} is defined twice`);
        fragments.set(definition.name.value, definition);
      }
    }
  }
  const names = new Set<string>();
  return {
    format: MANIFEST_FORMAT,
    version: 1,
    operations: operations.map(({ operation, file }) => {
      const name = operation.name!.value;
      if (names.has(name)) throw new Error(`${file}: operation ${name} is defined twice`);
      names.add(name);
      const body = print({ kind: Kind.DOCUMENT, definitions: [operation, ...usedFragments(operation, fragments, file)] });
      return { id: sha256Hex(body), name, type: operation.operation, body };
    }),
  };
}

function usedFragments(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  file: string,
): FragmentDefinitionNode[] {
  const used = reachedFragments([operation], fragments, (name) => {
    throw new Error(`${file}: operation ${operation.name?.value} uses fragment ${name}, which no given file defines`);
  });
  return used.sort((a, b) => a.name.value.localeCompare(b.name.value));
}
