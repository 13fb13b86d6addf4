/**
 * Finds the case an X-Purpose header names, by asking the region that owns it.
 *
 * The case id carries its owning region (`JS:C-2026-000123`), so one request to that
 * region's records subgraph answers "does it exist, and who are its parties" — signed
 * with the officer's own internal token, so the region checks and logs the lookup like
 * any other read. The same request asks whether the region lists the officer on the
 * case (need-to-know: `Case.assigned`, answered from the region's own assignments). The
 * parties go on to the other regions in the officer's internal tokens (see purpose.ts,
 * AttestedPurpose).
 */
import { officerIdOf } from '../../common/normalise/index.ts';
import type { GatewayContext } from '../context.ts';
import type { CaseFinder, PurposeCase } from './purpose.ts';
import type { InternalHeadersHook } from './internal-headers.ts';

const CASE_QUERY =
  'query LiandongPurposeCase($id: ID!, $officer: ID!) { case(id: $id) { id assigned(officer: $officer) parties { person { idNumber } } } }';
/** For a caller whose `sub` is no police number (a service account): the case exists, but no one by that id works it. */
const EXISTS_QUERY = 'query LiandongPurposeCaseExists($id: ID!) { case(id: $id) { id parties { person { idNumber } } } }';

export interface CaseLookupOptions {
  /** The records endpoint of a region (`http://127.0.0.1:4101/records`), undefined when unknown. */
  recordsEndpoint(region: string): string | undefined;
  headers: InternalHeadersHook;
  timeoutMs?: number;
}

/** Per request: `findCase = caseLookup(context)` (the lookup is signed as that request's caller). */
export function createCaseLookup(options: CaseLookupOptions): (context: GatewayContext) => CaseFinder {
  return (context) => async (caseRef) => {
    const region = caseRef.slice(0, caseRef.indexOf(':'));
    const url = options.recordsEndpoint(region);
    if (!url) return null;
    const officer = officerIdOf(context.caller?.sub);
    const body = officer
      ? JSON.stringify({ query: CASE_QUERY, variables: { id: caseRef, officer }, operationName: 'LiandongPurposeCase' })
      : JSON.stringify({ query: EXISTS_QUERY, variables: { id: caseRef }, operationName: 'LiandongPurposeCaseExists' });
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...options.headers({ code: region }, body, context, 'records'),
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
    return caseFrom(region, response.status, await response.text());
  };
}

function caseFrom(region: string, status: number, text: string): PurposeCase | null {
  let reply: {
    data?: { case?: { id: string; assigned?: boolean; parties: { person: { idNumber: string } }[] } | null };
    errors?: { message: string }[];
  };
  try {
    reply = JSON.parse(text);
  } catch {
    throw new Error(`region ${region} answered HTTP ${status} with a body that is not JSON`);
  }
  if (reply.errors?.length || status !== 200) {
    throw new Error(`region ${region} answered HTTP ${status}: ${reply.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
  }
  const found = reply.data?.case;
  return found
    ? { ref: found.id, partyIdNumbers: found.parties.map((p) => p.person.idNumber), callerAssigned: found.assigned === true }
    : null;
}
