/**
 * GraphiQL in the gateway: the page and asset routes, the dev-only demo tokens, and the
 * plugin that writes scope requirements into the docs the page shows.
 *
 *   const graphiql = createGraphiql(runtime);   // in gateway/plugins/index.ts
 *   http: { graphiql: graphiql.routes.page, graphiqlAssets: graphiql.routes.assets }
 *   plugins: [graphiql.plugin, …]
 */
import { fileURLToPath } from 'node:url';
import type { ApolloServerPlugin } from '@apollo/server';
import { demoTokens } from '../auth/dev-key.ts';
import type { GatewayContext } from '../context.ts';
import { GRAPHQL_PATH } from '../http/router.ts';
import type { GatewayRuntime } from '../services.ts';
import { DEFAULT_ASSETS_DIR } from './assets.ts';
import { demoScenariosFile, readDemoValues } from './demo-values.ts';
import { requirementDocsPlugin } from './requirement-docs.ts';
import { DEV_TOKENS_PATH, graphiqlRoutes, type GraphiqlRoutes } from './routes.ts';

/** Demo tokens handed to the page live one hour: enough for a session, short if one leaks. */
const DEMO_TOKEN_TTL_SECONDS = 3600;

export interface Graphiql {
  routes: GraphiqlRoutes;
  plugin: ApolloServerPlugin<GatewayContext>;
}

/** The repository root: `.data/` (npm start's demo data) is found from here unless LIANDONG_DATA names it. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `scenariosFile`: the demo data's scenarios.json, whose people, case and vehicle the
 * saved examples open with (development only; default: LIANDONG_DATA's, else .data's).
 */
export function createGraphiql(
  runtime: GatewayRuntime,
  assetsDir = DEFAULT_ASSETS_DIR,
  scenariosFile = demoScenariosFile(process.env, ROOT),
): Graphiql {
  const development = runtime.config.mode === 'development';
  const keysDir = runtime.config.auth.keysDir;
  // Production never shows demo values: its data is real, the examples hold placeholders.
  const demo = development ? readDemoValues(scenariosFile) : null;
  return {
    plugin: requirementDocsPlugin(runtime.supergraph.requirements),
    routes: graphiqlRoutes({
      assetsDir,
      config: { graphqlPath: GRAPHQL_PATH, mode: runtime.config.mode, devTokensPath: development ? DEV_TOKENS_PATH : null, demo },
      // Never in production: the route does not exist there (and the dev key is refused).
      demoTokens: development ? () => demoTokens(keysDir, DEMO_TOKEN_TTL_SECONDS) : undefined,
    }),
  };
}
