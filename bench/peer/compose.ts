/** Composes the benchmark workload's supergraph from ../shared/bench-peer/ for given subgraph URLs. */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import { PEER_DIR, PEER_SUBGRAPHS } from './subgraphs.ts';

/** `ports`: accounts, products, inventory, reviews, in that order. */
export function composePeerSupergraph(ports: readonly number[]): string {
  const services = PEER_SUBGRAPHS.map((name, i) => ({
    name,
    url: `http://127.0.0.1:${ports[i]}/graphql`,
    typeDefs: parse(readFileSync(`${PEER_DIR}${name}.graphql`, 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) throw new Error(`bench-peer composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}
