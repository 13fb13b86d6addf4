/**
 * GraphiQL in the gateway: the page and asset routes, the dev-only demo tokens, and the
 * plugin that writes scope requirements into the docs the page shows.
 *
 *   const graphiql = createGraphiql(runtime);   // in gateway/plugins/index.ts
 *   http: { graphiql: graphiql.routes.page, graphiqlAssets: graphiql.routes.assets }
 *   plugins: [graphiql.plugin, …]
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { demoTokens } from '../auth/dev-key.ts';
import type { GatewayContext } from '../context.ts';
import { GRAPHQL_PATH } from '../http/router.ts';
import type { GatewayRuntime } from '../services.ts';
import { DEFAULT_ASSETS_DIR } from './assets.ts';
import { requirementDocsPlugin } from './requirement-docs.ts';
import { DEV_TOKENS_PATH, graphiqlRoutes, type GraphiqlRoutes } from './routes.ts';

/** Demo tokens handed to the page live one hour: enough for a session, short if one leaks. */
const DEMO_TOKEN_TTL_SECONDS = 3600;

export interface Graphiql {
  routes: GraphiqlRoutes;
  plugin: ApolloServerPlugin<GatewayContext>;
}

export function createGraphiql(runtime: GatewayRuntime, assetsDir = DEFAULT_ASSETS_DIR): Graphiql {
  const development = runtime.config.mode === 'development';
  const keysDir = runtime.config.auth.keysDir;
  return {
    plugin: requirementDocsPlugin(runtime.supergraph.requirements),
    routes: graphiqlRoutes({
      assetsDir,
      config: { graphqlPath: GRAPHQL_PATH, mode: runtime.config.mode, devTokensPath: development ? DEV_TOKENS_PATH : null },
      // Never in production: the route does not exist there (and the dev key is refused).
      demoTokens: development ? () => demoTokens(keysDir, DEMO_TOKEN_TTL_SECONDS) : undefined,
    }),
  };
}
