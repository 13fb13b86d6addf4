/**
 * The `auth` section of `config/gateway.json`: who issues tokens, for which audience,
 * with which keys and algorithms, and where the policy file and key directory are.
 *
 * Development needs no settings: tokens are checked against the dev key, generated on
 * first start into `.data/keys/` and minted by `npm run token`. Production must name
 * its issuer, audience and key set, and refuses the dev key outright — a key whose
 * private half sits in a developer's working tree must never open a production gateway.
 */
import { resolve } from 'node:path';
import { array, boolean, httpUrl, integer, object, oneOf, onlyKeys, optional, string, type ConfigPath } from '../config/check.ts';
import { section } from '../config/section.ts';
import { DEFAULT_POLICY_FILE } from '../../schema/policy.ts';
import { DEV_AUDIENCE, DEV_ISSUER, devKeyFiles } from './dev-key.ts';

/** Asymmetric algorithms only: an HMAC "key" would be the public key everyone has (alg confusion). */
export const ALLOWED_ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
export type JwtAlgorithm = (typeof ALLOWED_ALGORITHMS)[number];

export type TrustedKeys = { kind: 'dev'; jwksFile: string } | { kind: 'file'; jwksFile: string } | { kind: 'url'; url: string };

export interface AuthConfig {
  issuer: string;
  audience: string;
  algorithms: JwtAlgorithm[];
  keys: TrustedKeys;
  /** Leeway for exp/nbf between the token issuer's clock and ours. */
  clockToleranceSeconds: number;
  /** Where the dev key and the gateway's internal-token key live (`.data/keys`). */
  keysDir: string;
  policyFile: string;
  /** Lifetime of the gateway → subgraph tokens: long enough for one request, no longer. */
  internalTokenTtlSeconds: number;
}

const KEYS = [
  'issuer',
  'audience',
  'algorithms',
  'jwksFile',
  'jwksUrl',
  'clockToleranceSeconds',
  'keysDir',
  'policy',
  'internalTokenTtlSeconds',
  'devKey',
] as const;

export const authSection = section({
  key: 'auth',
  validate(raw, at, { mode, env, dir }): AuthConfig {
    const obj = raw === undefined ? {} : object(raw, at);
    onlyKeys(obj, KEYS, at);
    const production = mode === 'production';
    const keysDir = resolve(
      optional(obj.keysDir, env.LIANDONG_KEYS_DIR ?? resolve('.data/keys'), (v) => resolve(dir, string(v, at.key('keysDir')))),
    );
    const required = (key: 'issuer' | 'audience', fallback: string) =>
      production ? string(obj[key], at.key(key)) : optional(obj[key], fallback, (v) => string(v, at.key(key)));
    return {
      issuer: required('issuer', DEV_ISSUER),
      audience: required('audience', DEV_AUDIENCE),
      algorithms: algorithms(obj.algorithms, at.key('algorithms')),
      keys: trustedKeys(obj, at, { production, dir, keysDir }),
      clockToleranceSeconds: optional(obj.clockToleranceSeconds, 30, (v) =>
        integer(v, at.key('clockToleranceSeconds'), { min: 0, max: 300 }),
      ),
      keysDir,
      policyFile: optional(obj.policy, DEFAULT_POLICY_FILE, (v) => resolve(dir, string(v, at.key('policy')))),
      internalTokenTtlSeconds: optional(obj.internalTokenTtlSeconds, 15, (v) =>
        integer(v, at.key('internalTokenTtlSeconds'), { min: 1, max: 120 }),
      ),
    };
  },
});

function algorithms(raw: unknown, at: ConfigPath): JwtAlgorithm[] {
  const list = optional(raw, ['EdDSA'] as unknown[], (v) => array(v, at));
  if (list.length === 0) at.fail('expected at least one algorithm');
  return list.map((alg, i) => oneOf(alg, ALLOWED_ALGORITHMS, at.index(i)));
}

function trustedKeys(
  obj: Record<string, unknown>,
  at: ConfigPath,
  where: { production: boolean; dir: string; keysDir: string },
): TrustedKeys {
  const devJwks = devKeyFiles(where.keysDir).jwksFile;
  const useDevKey = optional(obj.devKey, !where.production && obj.jwksFile === undefined && obj.jwksUrl === undefined, (v) =>
    boolean(v, at.key('devKey')),
  );
  if (useDevKey && where.production)
    at.key('devKey').fail('the dev key cannot be trusted when mode is "production"; configure jwksFile or jwksUrl');
  if (obj.jwksFile !== undefined && obj.jwksUrl !== undefined) at.key('jwksUrl').fail('set either jwksFile or jwksUrl, not both');
  if (useDevKey) {
    if (obj.jwksFile !== undefined || obj.jwksUrl !== undefined)
      at.key('devKey').fail('devKey: true replaces jwksFile/jwksUrl; remove one of them');
    return { kind: 'dev', jwksFile: devJwks };
  }
  if (obj.jwksUrl !== undefined) return { kind: 'url', url: httpUrl(obj.jwksUrl, at.key('jwksUrl')) };
  if (obj.jwksFile === undefined) at.key('jwksFile').fail("expected a JWKS file (or jwksUrl) naming the token issuer's public keys");
  const jwksFile = resolve(where.dir, string(obj.jwksFile, at.key('jwksFile')));
  if (where.production && jwksFile === devJwks)
    at.key('jwksFile').fail(`${jwksFile} is the dev key set; production must trust its identity provider's keys`);
  return { kind: 'file', jwksFile };
}
