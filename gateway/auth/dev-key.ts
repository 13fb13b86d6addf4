/**
 * The development signing key and the tokens minted with it.
 *
 * Local use only: the key is generated on first dev start into `.data/keys/` (git-
 * ignored, never committed) and its public half is published as a JWKS file that the
 * gateway trusts in development mode only (see config.ts, which refuses it in
 * production). `npm run token` and `npm start`'s demo tokens sign with it.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { DEMO_CASE } from './demo-case.ts';
import { loadOrCreateSigningKey, SIGNING_ALGORITHM } from '../../common/security/key-files.ts';

export const DEV_ISSUER = 'liandong-dev';
export const DEV_AUDIENCE = 'liandong';

export function devKeyFiles(keysDir: string): { privateFile: string; jwksFile: string } {
  return { privateFile: join(keysDir, 'dev-jwt.private.jwk.json'), jwksFile: join(keysDir, 'dev-jwt.jwks.json') };
}

export interface DevTokenRequest {
  sub: string;
  region: string;
  roles: string[];
  scopes?: string[];
  name?: string;
  /** Lifetime in seconds. */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

/**
 * Mints a dev JWT (EdDSA, `kid` = the signing key's thumbprint). Signs with the dev key
 * (created if needed) unless `keyFiles` names another pair (the compose stack's demo
 * identity provider, demo-idp.ts).
 */
export async function mintDevToken(
  keysDir: string,
  request: DevTokenRequest,
  keyFiles: { privateFile: string; jwksFile: string } = devKeyFiles(keysDir),
): Promise<string> {
  const { privateFile, jwksFile } = keyFiles;
  const key = await loadOrCreateSigningKey(privateFile, jwksFile);
  const claims: Record<string, unknown> = { name: request.name ?? request.sub, region: request.region, roles: request.roles };
  if (request.scopes && request.scopes.length > 0) claims.scope = request.scopes.join(' ');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setSubject(request.sub)
    .setIssuer(request.issuer ?? DEV_ISSUER)
    .setAudience(request.audience ?? DEV_AUDIENCE)
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(`${request.ttlSeconds ?? 3600}s`)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/** The demo officers `npm start` prints a token for, one per demo role. */
export const DEMO_OFFICERS: readonly (DevTokenRequest & { role: string })[] = [
  { role: 'patrol-officer', sub: 'JS-0420017', name: '王偉 (patrol, JS)', region: 'JS', roles: ['patrol-officer'] },
  // Leads the demo data's example case, so X-Purpose naming it unlocks contact details (need-to-know).
  { role: 'investigator', sub: DEMO_CASE.lead, name: '李娜 (investigator, JS)', region: 'JS', roles: ['investigator'] },
  { role: 'analyst', sub: 'GZ-0188203', name: '陳靜 (analyst, GZ)', region: 'GZ', roles: ['analyst'] },
  // An HB officer working HB's inbox of assistance requests (accept, answer, decline) in GraphiQL.
  { role: 'hb-investigator', sub: 'HB-4200001', name: '張敏 (investigator, HB)', region: 'HB', roles: ['investigator'] },
  { role: 'auditor', sub: 'HB-0900014', name: '劉洋 (auditor, HB)', region: 'HB', roles: ['auditor'] },
  { role: 'admin', sub: 'JS-0000001', name: '系統管理員 (admin)', region: 'JS', roles: ['admin'] },
];

/** One dev token per demo role, for `npm start` to print. */
export async function demoTokens(
  keysDir: string,
  ttlSeconds = 12 * 3600,
): Promise<{ role: string; sub: string; region: string; token: string }[]> {
  return Promise.all(
    DEMO_OFFICERS.map(async ({ role, ...officer }) => ({
      role,
      sub: officer.sub,
      region: officer.region,
      token: await mintDevToken(keysDir, { ...officer, ttlSeconds }),
    })),
  );
}

/** `90s`, `15m`, `1h`, `7d` or plain seconds → seconds; anything else is refused with the accepted forms. */
export function parseTtl(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 } as const;
  if (!match || Number(match[1]) === 0)
    throw new Error(`invalid ttl ${JSON.stringify(text)}: expected a positive number of seconds or a duration such as 90s, 15m, 1h, 7d`);
  return Number(match[1]) * unit[match[2] as keyof typeof unit];
}
