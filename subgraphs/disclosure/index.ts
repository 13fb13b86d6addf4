/**
 * A region's disclosure log and checkpoint witness, for subgraphs/main.ts:
 *
 *   const disclosure = await regionDisclosure({ region: 'JS', logsDir: '.data', gatewayAuditKeyFile: '.data/keys/audit-ed25519.pub.pem' });
 *   createSubgraphServer({ adapter, plugins: disclosure.plugins, routes: [...routes, ...disclosure.routes], … });
 *   // on shutdown, after server.close(): await disclosure.close();
 *
 * The plugin must run after the request guard has put the verified token claims into
 * the context (the guard runs before GraphQL, so any plugin order works).
 */
import { join } from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../common/log/log.ts';
import { segmentName } from '../../common/log/log-files.ts';
import type { SubgraphContext } from '../context.ts';
import type { SubgraphRoute } from '../server.ts';
import { disclosureLayout, openDisclosureLog, openWitnessLog, type DisclosureLog } from './log.ts';
import { createDisclosurePlugin } from './plugin.ts';
import { witnessListRoute, witnessRoute } from './witness-route.ts';

export interface RegionDisclosureOptions {
  region: string;
  /** Where the region's logs go (`<logsDir>/<region>/`): the subgraph's `--logs`, default its data directory. */
  logsDir: string;
  gatewayAuditKeyFile: string;
  logger?: Logger;
}

export interface RegionDisclosure {
  log: DisclosureLog;
  plugins: ApolloServerPlugin<SubgraphContext>[];
  routes: SubgraphRoute[];
  close(): Promise<void>;
}

export async function regionDisclosure(options: RegionDisclosureOptions): Promise<RegionDisclosure> {
  const log = await openDisclosureLog(options);
  const witnessLog = await openWitnessLog(options);
  const layout = disclosureLayout(options.logsDir, options.region, 'witness');
  const logFile = join(layout.dir, segmentName(layout, 1));
  const routes = [witnessRoute({ ...options, log: witnessLog, logFile }), witnessListRoute({ logFile, region: options.region })];
  return {
    log,
    plugins: [createDisclosurePlugin(log)],
    routes,
    close: async () => {
      await Promise.all([log.close(), witnessLog.close()]);
    },
  };
}

export { createDisclosurePlugin } from './plugin.ts';
export { witnessListRoute, witnessRoute } from './witness-route.ts';
export type { DisclosureBody, WitnessedBody } from './log.ts';
