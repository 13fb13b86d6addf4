/**
 * A real regional subgraph (createSubgraphServer over the in-memory JS fixture region)
 * behind the internal-token guard and the generated graphql-shield rules, and a client
 * that signs each request the way the gateway does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '../../schema/policy.ts';
import { createMemoryAdapter, type MemoryAdapter } from '../../subgraphs/testing/memory-adapter.ts';
import { JS_REGION, smallRegion } from '../../subgraphs/testing/fixtures.ts';
import { createSubgraphServer, type SubgraphServer } from '../../subgraphs/server.ts';
import { silentLogger } from '../../subgraphs/logger.ts';
import { createRequestGuard } from '../../subgraphs/security/request-guard.ts';
import { dataRulesTransform } from '../../subgraphs/security/shield.ts';
import { internalKeyFiles, loadInternalSigningKey } from '../../common/security/internal-keys.ts';
import { INTERNAL_TOKEN_HEADER, signInternalToken, type SignRequest } from '../../common/security/internal-token.ts';
import type { SigningKey } from '../../common/security/key-files.ts';
import type { MemoryData } from '../../subgraphs/testing/memory-adapter.ts';

export interface Reply {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export type Caller = SignRequest['caller'];
export type Purpose = SignRequest['purpose'];

export function officer(region: string, roles: string[], scopes: string[], sub = `${region}-0001`): Caller {
  return { sub, name: sub, region, roles, scopes, anonymous: false };
}

export interface GuardedRegion {
  server: SubgraphServer;
  adapter: MemoryAdapter;
  key: SigningKey;
  /** Sends a query signed as the gateway would, for `caller` and `purpose`. */
  ask(part: string, query: string, variables: Record<string, unknown>, who: { caller: Caller; purpose?: Purpose }): Promise<Reply>;
  /** Sends `body` with exactly these headers (for forged, expired and replayed tokens). */
  send(part: string, body: string, headers: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

/** `keysDir`: the gateway's key directory whose internal key the region trusts (default: a fresh one). */
export async function startGuardedRegion(data: MemoryData = smallRegion(), gatewayKeysDir?: string): Promise<GuardedRegion> {
  const keysDir = gatewayKeysDir ?? mkdtempSync(join(tmpdir(), 'liandong-keys-'));
  const key = await loadInternalSigningKey(keysDir);
  const adapter = createMemoryAdapter(JS_REGION, data);
  const server = await createSubgraphServer({
    adapter,
    logger: silentLogger,
    requestGuard: createRequestGuard({ region: 'JS', gatewayJwksFile: internalKeyFiles(keysDir).jwksFile }),
    schemaTransform: dataRulesTransform(loadPolicy(), silentLogger),
  });
  const send = async (part: string, body: string, headers: Record<string, string>): Promise<Reply> => {
    const response = await fetch(`${server.url}/${part}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, ...(await response.json()) };
  };
  return {
    server,
    adapter,
    key,
    send,
    ask(part, query, variables, who) {
      const body = JSON.stringify({ query, variables });
      const token = signInternalToken(key, {
        region: 'JS',
        part,
        body,
        caller: who.caller,
        purpose: who.purpose ?? null,
        requestId: 'test-request',
        ttlSeconds: 10,
      });
      return send(part, body, { [INTERNAL_TOKEN_HEADER]: token });
    },
    async close() {
      await server.close();
      if (!gatewayKeysDir) rmSync(keysDir, { recursive: true, force: true });
    },
  };
}
