/**
 * Purpose of access, wired into the gateway in two places:
 * - a context hook, after authentication: reads `X-Purpose`, refuses a malformed or
 *   unknown one (400 PURPOSE_INVALID), looks up a named case when the caller holds a
 *   case-bound scope, and withholds those scopes when no case is named;
 * - an Apollo Server plugin: once the operation is known, refuses one that selects
 *   personal data without a purpose (400 PURPOSE_REQUIRED). `{ regions }` and
 *   introspection need none.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.ts';
import type { ContextHook } from '../http/context.ts';
import { headerValue } from '../http/request.ts';
import type { Policy } from '../../schema/policy.ts';
import { authorisationPartition } from './partition.ts';
import { needsPurpose, purposeRequired, resolvePurpose, type CaseFinder } from './purpose.ts';

export interface PurposeSettings {
  policy: Policy;
  /** Per request, the function that looks a case up in its owning region (gateway/auth/case-lookup.ts). */
  findCase: (context: GatewayContext) => CaseFinder;
}

export function purposeContextHook({ policy, findCase }: PurposeSettings): ContextHook {
  return async (context, request) => {
    const resolved = await resolvePurpose({
      header: headerValue(request, policy.purposes.header),
      caller: context.caller,
      policy,
      findCase: findCase(context),
    });
    context.purpose = resolved.purpose;
    context.caller = resolved.caller;
    context.authorisationPartition = authorisationPartition(context.caller, context.purpose);
  };
}

export function purposePlugin(policy: Policy): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, contextValue }) {
          if (!operation || contextValue.purpose) return;
          if (needsPurpose(schema, document, operation, policy.purposes.dataTypes)) throw purposeRequired(policy.purposes);
        },
      };
    },
  };
}
