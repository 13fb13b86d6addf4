/**
 * A root field's `regions:` filter holds for every hop of that field, not only for the
 * root fetch. `searchPersons(regions: ["JS"]) { nodes { records { name } } }` is a search
 * in JS, then an index fetch of each found person: that fetch must also ask JS only, or
 * the caller's restriction (a need-to-know scope, a region known to be down) would be
 * silently widened after the first hop.
 *
 * The planner tells each fetch where its entities sit in the client's response
 * (`pathInIncomingRequest`); its first element is the root field's response key. The
 * filters of the client's root fields are read once per request.
 */
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { understand } from '../../../common/operations/understood.ts';
import { coerceVariables } from '../../../common/operations/variables.ts';
import { argumentValue, responseKey } from './operation.ts';
import { NOT_IN_FILTER } from './region-filter.ts';
import type { RegionEntry } from './types.ts';

/** Response key of a root field → the region codes its `regions:` argument names (absent: no filter). */
type RootFilters = ReadonlyMap<string, readonly string[]>;

const filtersByRequest = new WeakMap<object, RootFilters>();

type IncomingRequest = Pick<GatewayGraphQLRequestContext, 'operation' | 'document' | 'schema' | 'request'>;

/** The client's root filters, read once per request (variables coerced, so declared defaults count). */
function rootFilters(incoming: IncomingRequest): RootFilters {
  let filters = filtersByRequest.get(incoming);
  if (filters) return filters;
  const found = new Map<string, readonly string[]>();
  const { operation, document, schema } = incoming;
  if (operation && document && schema) {
    const understood = understand(document, operation.name?.value);
    // Apollo Server has validated the variables by now: coercion only applies the declared defaults.
    const variables = coerceVariables(schema, operation, incoming.request.variables);
    for (const field of understood.fieldsOf(operation.selectionSet)) {
      const asked = argumentValue(field, 'regions', variables);
      if (Array.isArray(asked) && asked.every((code) => typeof code === 'string')) found.set(responseKey(field), asked);
    }
  }
  filters = found;
  filtersByRequest.set(incoming, filters);
  return filters;
}

/**
 * The regions an entity fetch at `path` may ask, and those it leaves out (with why).
 * Without a path or a filter on its root field: every region.
 */
export function regionsForHop(
  incoming: IncomingRequest | undefined,
  path: readonly (string | number)[] | undefined,
  regions: readonly RegionEntry[],
): { regions: readonly RegionEntry[]; skipped: ReadonlyMap<string, string> } {
  const root = path?.[0];
  const filter = incoming && typeof root === 'string' ? rootFilters(incoming).get(root) : undefined;
  if (!filter) return { regions, skipped: new Map() };
  return {
    regions: regions.filter((r) => filter.includes(r.code)),
    skipped: new Map(regions.filter((r) => !filter.includes(r.code)).map((r) => [r.code, NOT_IN_FILTER])),
  };
}
