/**
 * Authentication, wired into the gateway in two places:
 * - a context hook (runs before GraphQL parses anything): verifies the bearer token and
 *   sets `context.caller`, or refuses the request with HTTP 401 naming the failed check;
 * - an Apollo Server plugin: introspection (and so GraphiQL's schema) only for an
 *   authenticated caller, which matters when `allowAnonymous` lets anonymous callers in.
 *
 * `setUpAuthentication` also prepares the keys: in development it creates the dev key
 * (so `npm run token` and the gateway agree from the first start); in production it
 * refuses a key set that contains the dev key.
 */
import { existsSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { understand } from '../../common/operations/understood.ts';
import type { GatewayContext } from '../context.ts';
import type { ContextHook } from '../http/context.ts';
import { headerValue } from '../http/request.ts';
import type { Mode } from '../config/section.ts';
import type { Policy } from '../../schema/policy.ts';
import type { AuthConfig } from './config.ts';
import { anonymousCaller } from './caller.ts';
import { devKeyFiles } from './dev-key.ts';
import { AuthenticationError } from './errors.ts';
import { createTokenVerifier } from './token-verifier.ts';
import { authorisationPartition } from './partition.ts';
import { loadOrCreateSigningKey, readJwksFile, readSigningKey } from '../../common/security/key-files.ts';

export interface AuthenticationSettings {
  mode: Mode;
  allowAnonymous: boolean;
  auth: AuthConfig;
  policy: Policy;
}

export interface Authentication {
  contextHook: ContextHook;
  plugin: ApolloServerPlugin<GatewayContext>;
}

export async function setUpAuthentication(settings: AuthenticationSettings): Promise<Authentication> {
  await prepareKeys(settings);
  const verifier = createTokenVerifier(settings.auth, settings.policy);
  const contextHook: ContextHook = async (context, request) => {
    const authorization = headerValue(request, 'authorization');
    context.caller = authorization === undefined && settings.allowAnonymous ? anonymousCaller() : await verifier.verify(authorization);
    context.authorisationPartition = authorisationPartition(context.caller, context.purpose);
  };
  return { contextHook, plugin: introspectionNeedsCaller() };
}

async function prepareKeys({ mode, auth }: AuthenticationSettings): Promise<void> {
  const dev = devKeyFiles(auth.keysDir);
  if (auth.keys.kind === 'dev') {
    await loadOrCreateSigningKey(dev.privateFile, dev.jwksFile);
    return;
  }
  // A copy of the dev JWKS under another name is still the dev key.
  if (mode === 'production' && auth.keys.kind === 'file' && existsSync(dev.privateFile)) {
    const devKey = (await readSigningKey(dev.privateFile)).publicJwk;
    if (readJwksFile(auth.keys.jwksFile).keys.some((key) => key.x === devKey.x)) {
      throw new Error(`auth.jwksFile ${auth.keys.jwksFile} trusts the dev key (kid ${devKey.kid}); production refuses to start with it`);
    }
  }
}

/** Refuses `__schema` / `__type` to anonymous callers (GraphiQL then shows no schema). */
export function introspectionNeedsCaller(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue }) {
          if (!operation || (contextValue.caller && !contextValue.caller.anonymous)) return;
          if (understand(document, request.operationName).introspection) {
            throw new AuthenticationError(
              'anonymous-introspection',
              'introspection (the schema, as GraphiQL loads it) needs an authenticated caller: send "Authorization: Bearer <JWT>"',
            );
          }
        },
      };
    },
  };
}
