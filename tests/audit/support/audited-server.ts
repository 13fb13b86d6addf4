/**
 * A child process serving the test graph over HTTP with the real audit plugin and a
 * file audit log configured from the environment (AUDIT_DIR, AUDIT_KEY_DIR, …). Prints
 * `READY <url>` once listening. Used by the kill -9 and read-only-directory tests.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import pino from 'pino';
import { openAuditServices } from '../../../gateway/audit/audit-log.ts';
import { loadAuditConfig } from '../../../gateway/audit/config.ts';
import { AuditRecorder } from '../../../gateway/audit/recorder.ts';
import { createAuditPlugin } from '../../../gateway/audit/index.ts';
import type { GatewayContext } from '../../../gateway/context.ts';
import { contextFor, resolvers, typeDefs } from './schema.ts';

const logger = pino({ level: 'warn' }, pino.destination(2));
const audit = await openAuditServices(loadAuditConfig(), { logger });
const server = new ApolloServer<GatewayContext>({
  typeDefs,
  resolvers,
  plugins: [createAuditPlugin(new AuditRecorder(audit.log, audit.operations))],
});
let requests = 0;
const { url } = await startStandaloneServer(server, {
  listen: { port: 0, host: '127.0.0.1' },
  context: async ({ req }) => contextFor(String(req.headers['x-officer'] ?? 'officer-1'), `child-${process.pid}-${++requests}`),
});
process.stdout.write(`READY ${url}\n`);

process.on('SIGTERM', () => {
  void server
    .stop()
    .then(() => audit.close())
    .then(() => process.exit(0));
});
