/**
 * Several benchmark regions in one process, each its own subgraph server on its own
 * loopback port (the generic server, subgraphs/server.ts, over a re-labelled JS
 * adapter). One process per handful of regions keeps 32 regions feasible on a 2-core
 * machine; each region still has its own HTTP server, schema and loaders.
 *
 *   node --import tsx bench/fanout/regions-host.ts --data DIR --keys DIR --codes XA,XB,XC [--slow XB=200] [--filters] [--only ID=XA]
 * Each region is secured as subgraphs/main.ts secures it (the gateway's internal token
 * from `--keys`, graphql-shield data rules); the disclosure log is left out to keep 32
 * regions light. `--filters` adds the change stream and the signed membership filter
 * (its key in `--keys`); `--only ID=XA` makes person ID one that region XA alone holds.
 * prints one line `regions {"XA":"http://127.0.0.1:…",…}` when all listen.
 */
import { parseArgs } from 'node:util';
import { createAdapter } from '../../adapters/js/index.ts';
import { createSubgraphServer, type RequestGuard, type SubgraphServer } from '../../subgraphs/server.ts';
import type { Logger } from '../../subgraphs/logger.ts';
import { subgraphSecurity } from '../../subgraphs/security/index.ts';
import { internalKeyFiles } from '../../common/security/internal-keys.ts';
import { hiding, relabelled } from './relabelled.ts';
import { changeRoute } from '../../subgraphs/changes/index.ts';
import { filterRoute } from '../../subgraphs/filters/index.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    keys: { type: 'string' },
    codes: { type: 'string' },
    slow: { type: 'string', multiple: true },
    // Serve the change stream and the signed membership filter, as subgraphs/main.ts does.
    filters: { type: 'boolean' },
    // `--only ID=XA`: the person ID is held by region XA alone (hidden in the others).
    only: { type: 'string', multiple: true },
  },
});
if (!values.data || !values.codes || !values.keys) {
  console.error('usage: regions-host.ts --data DIR --keys DIR --codes XA,XB [--slow XA=200]');
  process.exit(2);
}
const delays = new Map(
  (values.slow ?? []).map((s) => {
    const [code, ms] = s.split('=');
    return [code, Number(ms)] as const;
  }),
);
// Errors only: per-request logging would be load on the benchmark's own CPU.
const quiet: Logger = { info() {}, warn() {}, debug() {}, error: (obj, msg) => console.error(msg ?? '', obj) };

/** A slow region answers every GraphQL request `ms` later (before any work: slow network or system). */
function delayed(guard: RequestGuard, ms: number): RequestGuard {
  if (ms === 0) return guard;
  return async (req, body) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return guard(req, body);
  };
}

const owners = (values.only ?? []).map((s) => s.split('=') as [string, string]);

const servers: SubgraphServer[] = [];
const urls: Record<string, string> = {};
for (const code of values.codes.split(',')) {
  const hidden = new Set(owners.filter(([, owner]) => owner !== code).map(([idNumber]) => idNumber));
  const labelled = relabelled(await createAdapter({ dataDir: values.data, settings: {} }), code);
  const adapter = hidden.size > 0 ? hiding(labelled, hidden) : labelled;
  const routes = [];
  if (values.filters) {
    const changes = await changeRoute(adapter, { logger: quiet });
    routes.push(changes, await filterRoute(adapter, changes.publisher, { keysDir: values.keys, logger: quiet }));
  }
  const security = subgraphSecurity({ region: code, gatewayJwksFile: internalKeyFiles(values.keys).jwksFile, logger: quiet });
  const server = await createSubgraphServer({
    adapter,
    logger: quiet,
    ...security,
    requestGuard: delayed(security.requestGuard, delays.get(code) ?? 0),
    routes,
  });
  servers.push(server);
  urls[code] = server.url;
}
console.log(`regions ${JSON.stringify(urls)}`);

const stop = async () => {
  for (const s of servers) await s.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
