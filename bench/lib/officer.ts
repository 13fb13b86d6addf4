/**
 * The caller every authorised benchmark request runs as: a dev token for a JS
 * investigator (minted with the gateway's dev key, as `npm run token` does) and a
 * patrol-check purpose, so authentication, authorisation and the purpose check all run.
 */
import { mintDevToken } from '../../gateway/auth/dev-key.ts';

export const BENCH_PURPOSE = 'patrol-check: benchmark load';

export async function officerHeaders(keysDir: string): Promise<Record<string, string>> {
  const token = await mintDevToken(keysDir, {
    sub: 'JS-0310552',
    name: 'bench investigator',
    region: 'JS',
    roles: ['investigator'],
    ttlSeconds: 3600,
  });
  return { authorization: `Bearer ${token}`, 'x-purpose': BENCH_PURPOSE };
}
