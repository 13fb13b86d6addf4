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

/** Per caller object (callers of a remembered token are shared, see verified-tokens.ts), per purpose. */
const computed = new WeakMap<Caller, Map<string, string>>();

export function authorisationPartition(caller: Caller | null, purpose: Purpose | null): string {
  if (!caller || caller.anonymous) return 'anonymous';
  let byPurpose = computed.get(caller);
  if (!byPurpose) computed.set(caller, (byPurpose = new Map()));
  const key = `${purpose?.code ?? ''}\n${purpose?.caseRef ?? ''}`;
  let partition = byPurpose.get(key);
  if (partition === undefined) {
    // A handful of purposes per caller; more means purposes vary freely: start over.
    if (byPurpose.size >= 32) byPurpose.clear();
    byPurpose.set(key, (partition = partitionOf(caller, purpose)));
  }
  return partition;
}

function partitionOf(caller: Caller, purpose: Purpose | null): string {
  const facts = {
    region: caller.region,
    roles: [...caller.roles].sort(),
    scopes: [...caller.scopes].sort(),
    purpose: purpose?.code ?? null,
    caseRef: purpose?.caseRef ?? null,
  };
  return createHash('sha256').update(JSON.stringify(facts)).digest('base64url').slice(0, 22);
}
