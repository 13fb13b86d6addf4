/**
 * The reference contender: plain @apollo/gateway + @apollo/server 5, as documented,
 * with nothing of Liandong's. Usage reporting and the landing page are off so no
 * network call leaves the machine.
 *
 *   node --import tsx bench/peer/apollo-gateway.ts --port 4380 --supergraph FILE
 *        [--internal-keys DIR --region JS]
 *
 * With `--internal-keys`, every subgraph fetch carries a fresh internal token for
 * `--region` (bench/lib/internal-signer.ts): the one thing Liandong's secured regional
 * subgraphs require before they answer anyone. Nothing else is added.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { internalSigner, type InternalSigner } from '../lib/internal-signer.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, supergraph: { type: 'string' }, 'internal-keys': { type: 'string' }, region: { type: 'string' } },
});
if (!values.port || !values.supergraph)
  throw new Error('usage: apollo-gateway.ts --port N --supergraph FILE [--internal-keys DIR --region CODE]');
if (values['internal-keys'] && !values.region) throw new Error('--internal-keys needs --region: the region code the tokens are for');

function signed(url: string, sign: InternalSigner, region: string): RemoteGraphQLDataSource {
  const source = new RemoteGraphQLDataSource({ url });
  const part = new URL(url).pathname.replace(/^\//, '');
  const inner = source.fetcher;
  source.fetcher = ((input: string, init: { headers?: Record<string, string>; body?: string }) =>
    inner(input, { ...init, headers: { ...init.headers, ...sign(region, part, init.body ?? '') } })) as typeof inner;
  return source;
}

const sign = values['internal-keys'] ? await internalSigner(values['internal-keys']) : null;
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(values.supergraph, 'utf8'),
  ...(sign ? { buildService: ({ url }: { url?: string }) => signed(url!, sign, values.region!) } : {}),
});
const server = new ApolloServer({
  gateway,
  plugins: [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginLandingPageDisabled()],
});
const { url } = await startStandaloneServer(server, { listen: { port: Number(values.port), host: '127.0.0.1' } });
console.log(`apollo gateway listening on ${url}`);
