/**
 * The disclosure layer: a gateway wrapper (plugins/index.ts, inside authorisation,
 * outside the response cache) that executes each operation with hidden key selections
 * (hidden-keys.ts), then reads and removes them (take-disclosed.ts) and leaves in
 * `context.disclosed` whose data the answer holds. The bulk-lookup monitor and the audit
 * record both read that one set (gateway/sent-subjects.ts).
 *
 * Inside authorisation, so it adds keys only to what the caller may select (a denied
 * field is already gone, and no hidden key is added under it); outside the response
 * cache, so a cached answer is stored with its keys and names its subjects on every hit.
 */
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { GatewayContext } from '../context.ts';
import { wrapExecutor } from '../executor-wrapper.ts';
import { hiddenKeys, hiddenKeysQueryHash } from './hidden-keys.ts';
import { takeDisclosed, withoutHiddenPaths } from './take-disclosed.ts';

export function withDisclosure(gateway: GatewayInterface): GatewayInterface {
  return wrapExecutor(gateway, disclosingExecutor);
}

export function disclosingExecutor(inner: GatewayExecutor): GatewayExecutor {
  return async (requestContext) => {
    const hidden = hiddenKeys(requestContext.schema, requestContext.document);
    const result = await inner({ ...requestContext, document: hidden.document, queryHash: hiddenKeysQueryHash(requestContext.queryHash) });
    (requestContext.context as Partial<GatewayContext>).disclosed = takeDisclosed(result.data, hidden);
    return result.errors ? { ...result, errors: withoutHiddenPaths(result.errors, hidden) } : result;
  };
}
