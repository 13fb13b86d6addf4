/**
 * The regional contract, read in one place.
 *
 * Every region serves the same three parts; each part's SDL is `shared.graphql` (the
 * enums every part uses — composition needs them identical) followed by the part's own
 * file. The subgraph server builds its schemas from this, the gateway composes the
 * supergraph from it, and a newly registered region is checked against it, so all three
 * always see the very same SDL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatAST, parse, Source, type DocumentNode } from 'graphql';

export const CONTRACT_PARTS = ['records', 'index', 'search'] as const;
export type ContractPart = (typeof CONTRACT_PARTS)[number];

export const CONTRACT_DIR = fileURLToPath(new URL('./contract/', import.meta.url));

function readContractFile(dir: string, file: string): Source {
  const path = join(dir, file);
  try {
    // Named after the file, so parse and composition errors point at the right file and line.
    return new Source(readFileSync(path, 'utf8'), `schema/contract/${file}`);
  } catch (error) {
    throw new Error(`cannot read contract file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** One part's SDL text: shared.graphql, then the part. */
export function contractSdl(part: ContractPart, dir = CONTRACT_DIR): string {
  return `${readContractFile(dir, 'shared.graphql').body}\n${readContractFile(dir, `${part}.graphql`).body}`;
}

/** One part's type definitions (parsed file by file, then concatenated). */
export function contractTypeDefs(part: ContractPart, dir = CONTRACT_DIR): DocumentNode {
  return concatAST([parse(readContractFile(dir, 'shared.graphql')), parse(readContractFile(dir, `${part}.graphql`))]);
}
