/**
 * The reference contender: plain @apollo/gateway + @apollo/server 5, as documented,
 * with nothing of Liandong's. Usage reporting and the landing page are off so no
 * network call leaves the machine.
 *
 *   node --import tsx bench/peer/apollo-gateway.ts --port 4380 --supergraph FILE
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';

const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(arg('--supergraph'), 'utf8') });
const server = new ApolloServer({
  gateway,
  plugins: [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginLandingPageDisabled()],
});
const { url } = await startStandaloneServer(server, { listen: { port: Number(arg('--port')), host: '127.0.0.1' } });
console.log(`apollo gateway listening on ${url}`);
