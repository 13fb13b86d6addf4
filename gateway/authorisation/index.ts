/**
 * Field-level authorisation, wired into Apollo Server and @apollo/gateway.
 *
 * Usage (the gateway core):
 * ```ts
 * const authorisation = createAuthorisation({ requirements: supergraph.requirements, config: config.authorisation, policy });
 * const server = new ApolloServer<GatewayContext>({
 *   gateway: authorisation.wrapGateway(new ApolloGateway({ supergraphSdl: supergraph.gatewaySdl, … })),
 *   plugins: [authenticationPlugin, purposePlugin, authorisation.plugin, limitsPlugin, …, auditPlugin],
 * });
 * ```
 * The plugin decides in `didResolveOperation`, before anything is planned: it refuses
 * introspection from anonymous callers (UNAUTHENTICATED) and, in reject mode, operations
 * asking for any denied field (FORBIDDEN), and fills `context.denied` for the audit log.
 * The wrapped gateway's executor then runs the filtered operation under its own plan key
 * and answers each denied field with null and a FORBIDDEN error. Both read the caller
 * from `context.caller` / `context.purpose`, so authentication must run first.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { scopesFor, type Policy } from '../../schema/policy.ts';
import { Authoriser, type DenialExplainer, type OperationToPrepare } from './authoriser.ts';
import { policyFileDecider, type PolicyDecider } from './caller-facts.ts';
import type { AuthorisationConfig } from './config.ts';
import { toDeniedFields } from './denials.ts';
import { withAuthorisation } from './gateway-wrapper.ts';
import { policyNames, type RequirementMap } from './requirement.ts';
import type { Caller, GatewayContext, Purpose } from '../context.ts';

export interface AuthorisationOptions {
  /** From the composed supergraph (`PreparedSupergraph.requirements`). */
  requirements: RequirementMap;
  config: AuthorisationConfig;
  /** The policy file: decides `@policy` names and grants the roles' scopes; or a decider of one's own. */
  policy?: Policy;
  /**
   * Why a scope the caller's roles grant was not counted (auth/'s case-bound scopes,
   * handed in by plugins/index.ts so that authorisation/ imports nothing of auth/).
   */
  explainScope?: ScopeNote;
  decidePolicies?: PolicyDecider;
}

export type ScopeNote = (scope: string, caller: Caller, purpose: Purpose | null) => { text: string; reason?: string } | null;

export interface Authorisation {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Give ApolloServer this instead of the ApolloGateway itself. */
  wrapGateway(gateway: GatewayInterface): GatewayInterface;
  /** Plans operations ahead of their requests, against the schema in force (Authoriser.prepare). */
  prepare(operations: readonly OperationToPrepare[]): () => void;
}

export function createAuthorisation(options: AuthorisationOptions): Authorisation {
  const decidePolicies =
    options.decidePolicies ??
    (options.policy ? policyFileDecider(options.policy, policyNames(options.requirements)) : noPolicies(options.requirements));
  let authoriser: Authoriser | null = null;
  const current = (): Authoriser => {
    if (!authoriser) throw new Error('authorisation asked before the gateway loaded its schema (was wrapGateway used?)');
    return authoriser;
  };
  return {
    wrapGateway(gateway) {
      // A new API schema (start, or a supergraph update) gets a fresh index and filter cache.
      gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
        authoriser = new Authoriser(
          apiSchema,
          options.requirements,
          options.config,
          decidePolicies,
          explainer(options.policy, options.explainScope),
        );
      });
      return withAuthorisation(gateway, current);
    },
    prepare: (operations) => current().prepare(operations),
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation(requestContext) {
            const context = requestContext.contextValue;
            const decision = await current().decide({
              document: requestContext.document,
              operationName: requestContext.request.operationName,
              variables: requestContext.request.variables,
              queryHash: requestContext.queryHash,
              caller: context.caller,
              purpose: context.purpose,
              request: context,
            });
            context.denied = toDeniedFields(decision.denied);
            if (decision.kind === 'refuse') throw decision.error;
          },
        };
      },
    },
  };
}

/**
 * A scope the caller's role grants but which was withheld because the purpose names no
 * case: say so, rather than leave an investigator wondering why their role is not enough.
 */
function explainer(policy: Policy | undefined, explainScope: ScopeNote | undefined): DenialExplainer {
  if (!policy || !explainScope) return () => null;
  return (caller, missing, purpose) => {
    if (!caller) return null;
    const granted = scopesFor(policy, caller.roles, []);
    const scopes = missing.flatMap((item) => [...item.matchAll(/scope (\S+)/g)].map((m) => m[1]));
    const notes = scopes
      .filter((s) => granted.has(s) && !caller.scopes.has(s))
      .map((s) => explainScope(s, caller, purpose))
      .filter((n) => n !== null);
    if (notes.length === 0) return null;
    return { text: notes.map((n) => n.text).join('; '), reason: notes.find((n) => n.reason)?.reason };
  };
}

/** Without a policy file, a supergraph must not name policies: refusing them all would be silent. */
function noPolicies(requirements: RequirementMap): PolicyDecider {
  const named = policyNames(requirements);
  if (named.length > 0) throw new Error(`the supergraph names policies (${named.join(', ')}) but no policy file or decider was given`);
  return async () => new Map();
}
