/**
 * A gateway whose executor is wrapped: same schema loading and lifecycle, a layer in
 * front of every execution. Field-level authorisation and the response cache are both
 * such layers (gateway/plugins/index.ts lists them, outermost first).
 *
 *   wrapExecutor(gateway, (inner) => async (requestContext) => inner(requestContext))
 */
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';

export function wrapExecutor(gateway: GatewayInterface, wrap: (inner: GatewayExecutor) => GatewayExecutor): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    async load(options) {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor && wrap(loaded.executor) };
    },
  };
}
