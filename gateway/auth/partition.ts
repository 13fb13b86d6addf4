/**
 * The caller's authorisation partition: everything about a caller that can change which
 * data a request returns, as one short stable string. Caches key on it, so two callers
 * share a cached answer only when no rule — at the gateway or at a region — could tell
 * them apart.
 *
 * What can tell callers apart: scopes (field authorisation), region and roles (the
 * data rules' `caller.region` / `caller.roles`), and the purpose's case (whose parties
 * unlock other regions' contact details). The officer's own id does not, so officers
 * with the same standing share cache entries.
 */
import { createHash } from 'node:crypto';
import type { Caller, Purpose } from '../context.ts';

export function authorisationPartition(caller: Caller | null, purpose: Purpose | null): string {
  if (!caller || caller.anonymous) return 'anonymous';
  const facts = {
    region: caller.region,
    roles: [...caller.roles].sort(),
    scopes: [...caller.scopes].sort(),
    purpose: purpose?.code ?? null,
    caseRef: purpose?.caseRef ?? null,
  };
  return createHash('sha256').update(JSON.stringify(facts)).digest('base64url').slice(0, 22);
}
