/**
 * Internal tokens for benchmark requests that reach a secured regional subgraph
 * without Liandong in front: the direct-to-subgraph reference and plain
 * @apollo/gateway. Each request gets its own token (the subgraph refuses a replayed
 * `jti` or another body), signed with the gateway's internal key from the run's keys
 * dir, as the same JS investigator and purpose the gateway contenders use.
 */
import { loadPolicy, scopesFor } from '../../schema/policy.ts';
import { loadInternalSigningKey } from '../../common/security/internal-keys.ts';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../../common/security/internal-token.ts';

/** Headers for one request with this exact body to `region`'s `part`. */
export type InternalSigner = (region: string, part: string, body: string) => Record<string, string>;

export async function internalSigner(keysDir: string): Promise<InternalSigner> {
  const key = await loadInternalSigningKey(keysDir);
  const roles = ['investigator'];
  const caller = {
    sub: 'JS-0310552',
    name: 'bench investigator',
    region: 'JS',
    roles,
    scopes: [...scopesFor(loadPolicy(), roles, [])],
    anonymous: false,
  };
  const purpose = { code: 'patrol-check', text: 'benchmark load', caseRef: null };
  let n = 0;
  return (region, part, body) => ({
    [INTERNAL_TOKEN_HEADER]: signInternalToken(key, { region, part, body, caller, purpose, requestId: `bench-${++n}`, ttlSeconds: 15 }),
  });
}
