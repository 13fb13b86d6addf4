/**
 * Refuses, before anything is planned, a request whose operation cannot be resolved or
 * run by this graph (gateway/operations/resolution.ts): 400 with a stable code, audited
 * like any invalid request, instead of a 500 from @apollo/gateway at execution.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.ts';
import { operationRefusal } from './resolution.ts';

export function operationResolutionPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operation }) {
          const refused = operationRefusal(schema, document, request.operationName, operation);
          if (refused) throw refused;
        },
      };
    },
  };
}
