/**
 * Verified token claims → the `Caller` every later layer reads.
 *
 * Claims used: `sub`, `name`, `region`, `roles`, `scope`. Scopes are the token's own
 * `scope` (space-separated, as OAuth writes it) plus whatever the caller's roles grant
 * in the policy file, so an identity provider may issue either roles or scopes.
 */
import type { JWTPayload } from 'jose';
import { scopesFor, type Policy } from '../../schema/policy.ts';
import type { Caller } from '../context.ts';
import { quoteInput } from '../../common/normalise/index.ts';
import { AuthenticationError } from './errors.ts';

const REGION_CODE = /^[A-Z][A-Z0-9]{1,7}$/;

export function callerFromClaims(payload: JWTPayload, policy: Policy): Caller {
  const sub = text(payload.sub, 'sub');
  const region = text(payload.region, 'region');
  if (!REGION_CODE.test(region))
    throw new AuthenticationError('bad-claims', `token claim "region" must be a region code such as "JS", got ${quoteInput(region)}`);
  const roles = words(payload.roles, 'roles');
  const tokenScopes = words(payload.scope, 'scope');
  return {
    sub,
    name: payload.name === undefined ? sub : text(payload.name, 'name'),
    region,
    roles,
    scopes: scopesFor(policy, roles, tokenScopes),
    anonymous: false,
    client: clientOf(payload),
  };
}

/** The client app a token was issued to: its `client` claim, else OAuth's `azp`; trusted documents may allow free text per client. */
function clientOf(payload: JWTPayload): string | null {
  const claim = payload.client ?? payload.azp;
  return typeof claim === 'string' && claim.length > 0 && claim.length <= 64 ? claim : null;
}

/** The caller when no token was sent and the config allows it: no roles, no scopes. */
export function anonymousCaller(): Caller {
  return { sub: 'anonymous', name: 'anonymous', region: '', roles: [], scopes: new Set(), anonymous: true };
}

function text(value: unknown, claim: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AuthenticationError('bad-claims', `token claim "${claim}" must be a non-empty string, got ${quoteInput(value ?? null)}`);
  }
  return value;
}

/** A list claim: a JSON array of strings or one space-separated string; absent means empty. */
function words(value: unknown, claim: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new AuthenticationError(
    'bad-claims',
    `token claim "${claim}" must be a string array or a space-separated string, got ${quoteInput(value)}`,
  );
}
