/**
 * `npm run subgraph -- --region JS --port 4101 [--data .data] [--setting key=value …]`
 *
 * One region's subgraph process: loads the region's adapter, serves the contract,
 * prints `subgraph JS listening on http://127.0.0.1:4101` once ready (supervisors wait
 * for that line), and on SIGTERM/SIGINT stops accepting requests, finishes those in
 * flight, closes the adapter and exits 0.
 */
import { loadAdapter } from '../adapters/load.ts';
import { parseSubgraphConfig, type SubgraphConfig } from './cli-config.ts';
import { createSubgraphServer, type SubgraphServer } from './server.ts';
import { defaultLogger } from './logger.ts';
import { changeRoute } from './changes/index.ts';
import { filterRoute } from './filters/index.ts';
import { datasetOf } from './filters/snapshot.ts';
import { subgraphSecurity } from './security/index.ts';
import { internalKeyFiles } from '../common/security/internal-keys.ts';
import { regionDisclosure } from './disclosure/index.ts';
import { join, resolve } from 'node:path';
import type { RegionAdapter } from '../adapters/adapter.ts';
import { startTracing, type RunningTracing } from '../common/tracing/sdk.ts';
import { assistanceSettings } from './assistance/resolvers.ts';

/** In-flight requests get this long to finish after a stop signal. */
const SHUTDOWN_GRACE_MS = 10_000;

function readConfig(): SubgraphConfig {
  try {
    return parseSubgraphConfig(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`subgraph: ${(error as Error).message}`);
    process.exit(2);
  }
}

/** Shared with the gateway: its internal-token public keys and its audit checkpoint key; the region's filter key is published here. */
const keysDir = resolve(process.env.LIANDONG_KEYS_DIR ?? '.data/keys');

function stopOnSignals(
  region: string,
  server: SubgraphServer,
  adapter: RegionAdapter,
  closeDisclosure: () => Promise<void>,
  tracing: RunningTracing,
): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`subgraph ${region}: requests still running ${SHUTDOWN_GRACE_MS} ms after ${signal}; exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    await server.close();
    await closeDisclosure();
    await adapter.close();
    // Last: the spans of the final requests are exported before the process exits.
    await tracing.shutdown().catch(() => {});
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop(signal));
}

const config = readConfig();
try {
  // Before the adapter and server: each decides once whether it makes spans (off by default).
  const tracing = await startTracing(config.tracing);
  // schema/assistance.json (deadlines by urgency): a bad file stops start-up, naming the entry.
  assistanceSettings();
  const adapterOptions = { dataDir: config.dataDir, settings: config.settings };
  const adapter = await loadAdapter(config.region, adapterOptions);
  const logger = defaultLogger(config.region);
  // Change events for the gateways' caches: GET /changes, and Redis pub/sub when REDIS_URL is set.
  const changes = await changeRoute(adapter, {
    redisUrl: process.env.REDIS_URL || undefined,
    // Beside the disclosure log: which overdue requests were announced, so a restart does not repeat them.
    assistance: { overdueFile: join(config.logsDir, config.region, 'assistance-overdue.json') },
    logger,
  });
  // The signed membership filter of the keys this region holds, kept current from those changes (GET /filter).
  // Kept across restarts beside the disclosure log (unless --filter-snapshot off): a restart catches up instead of reading every key.
  const snapshot = config.filterSnapshot ? { file: config.filterSnapshot, dataset: datasetOf(adapterOptions) } : undefined;
  const filter = config.filters
    ? [await filterRoute(adapter, changes.publisher, { keysDir, logger, snapshot, capacity: config.filterCapacity ?? undefined })]
    : [];
  // Only requests signed by the gateway get in; data-dependent rules (shield) run on every field.
  const security = subgraphSecurity({ region: config.region, gatewayJwksFile: internalKeyFiles(keysDir).jwksFile, logger });
  // What this region handed out, to whom and why; and the gateway's audit checkpoints it witnesses.
  const disclosure = await regionDisclosure({
    region: config.region,
    logsDir: config.logsDir,
    gatewayAuditKeyFile: join(keysDir, 'audit-ed25519.pub.pem'),
    logger,
  });
  const server = await createSubgraphServer({
    adapter,
    host: config.host,
    port: config.port,
    logger,
    ...security,
    plugins: disclosure.plugins,
    routes: [changes, ...filter, ...disclosure.routes],
  });
  stopOnSignals(config.region, server, adapter, disclosure.close, tracing);
  console.log(`subgraph ${config.region} listening on ${server.url}`);
} catch (error) {
  console.error(`subgraph ${config.region}: ${(error as Error).message}`);
  process.exit(1);
}
