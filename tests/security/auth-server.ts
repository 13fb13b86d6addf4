/**
 * A real HTTP GraphQL server built from the gateway's own pieces — its HTTP handler
 * and context builder, Apollo Server, and the authentication and purpose hooks and
 * plugins exactly as gateway/auth/index.ts assembles them — over a small schema
 * with one personal-data type (Person) and one that is not (regions). `me` echoes the
 * caller and purpose the hooks produced.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import type { GatewayContext } from '../../gateway/context.ts';
import { ConfigPath } from '../../gateway/config/check.ts';
import { authSection, type AuthConfig } from '../../gateway/auth/config.ts';
import { graphqlHandler } from '../../gateway/http/graphql.ts';
import { LIMITS_DEFAULTS } from '../../gateway/limits/config.ts';
import { gatewaySecurity } from '../../gateway/auth/index.ts';
import type { Mode } from '../../gateway/config/section.ts';

const TYPE_DEFS = `#graphql
  type Query {
    regions: [String!]!
    person(idNumber: String!): Person
    me: Me
  }
  type Person { idNumber: String! name: String! }
  type Me { sub: String! region: String! roles: [String!]! scopes: [String!]! anonymous: Boolean! purpose: String caseRef: String caseParties: [String!] }
`;

const RESOLVERS = {
  Query: {
    regions: () => ['JS', 'GZ', 'HB'],
    person: (_: unknown, { idNumber }: { idNumber: string }) => ({ idNumber, name: '張偉' }),
    me: (_: unknown, __: unknown, context: GatewayContext) =>
      context.caller && {
        ...context.caller,
        scopes: [...context.caller.scopes].sort(),
        purpose: context.purpose?.code ?? null,
        caseRef: context.purpose?.caseRef ?? null,
        caseParties: (context.purpose as { caseParties?: string[] } | null)?.caseParties ?? null,
      },
  },
};

export interface AuthServer {
  url: string;
  keysDir: string;
  auth: AuthConfig;
  post(
    query: string,
    headers?: Record<string, string>,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export interface AuthServerOptions {
  mode?: Mode;
  allowAnonymous?: boolean;
  /** Extra `auth` settings (issuer, algorithms, …); keysDir defaults to a fresh temporary directory. */
  auth?: Record<string, unknown>;
  /** Region → records endpoint, for the case named in X-Purpose. */
  regions?: Record<string, string>;
}

export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthServer> {
  const keysDir = mkdtempSync(join(tmpdir(), 'liandong-auth-'));
  const mode = options.mode ?? 'development';
  let auth: AuthConfig;
  let security: Awaited<ReturnType<typeof gatewaySecurity>>;
  try {
    auth = authSection.validate({ keysDir, ...options.auth }, new ConfigPath('test.json').key('auth'), { mode, env: {}, dir: keysDir });
    security = await gatewaySecurity({
      mode,
      auth,
      allowAnonymous: options.allowAnonymous ?? false,
      registry: { region: (code) => (options.regions?.[code] ? { endpoints: { records: options.regions[code] } } : undefined) },
    });
  } catch (error) {
    rmSync(keysDir, { recursive: true, force: true });
    throw error;
  }
  const apollo = new ApolloServer<GatewayContext>({
    typeDefs: TYPE_DEFS,
    resolvers: RESOLVERS,
    plugins: security.plugins,
    csrfPrevention: false,
  });
  await apollo.start();
  const handle = graphqlHandler(apollo, {
    bodyLimitBytes: 1 << 20,
    maxVariablesDepth: LIMITS_DEFAULTS.maxVariablesDepth,
    trustProxy: false,
    contextHooks: security.contextHooks,
  });
  const server: Server = createServer((req, res) => {
    handle(req, res, `req-${Date.now()}`).catch((e) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    keysDir,
    auth,
    async post(query, headers = {}, variables) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await apollo.stop();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}
