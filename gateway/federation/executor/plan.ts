/**
 * The query plan as @apollo/query-planner hands it over (its QueryPlan types, restated
 * for the parts this executor reads), and the check of whether the compiled path can run
 * a plan: Fetch, Flatten, Sequence, Parallel and Condition nodes without data rewrites.
 * Anything else (Defer nodes, subscriptions, @fromContext rewrites …) names the
 * reason the operation goes to Apollo's executor instead.
 */
import type { DocumentNode } from 'graphql';

export type ResponsePath = (string | number)[];

export interface RequiresField {
  readonly kind: 'Field';
  readonly alias?: string;
  readonly name: string;
  readonly selections?: RequiresSelection[];
}

export interface RequiresFragment {
  readonly kind: 'InlineFragment';
  readonly typeCondition?: string;
  readonly selections: RequiresSelection[];
}

export type RequiresSelection = RequiresField | RequiresFragment;

export interface FetchNode {
  kind: 'Fetch';
  serviceName: string;
  variableUsages?: string[];
  requires?: RequiresSelection[];
  operation: string;
  operationName: string | undefined;
  operationDocumentNode?: DocumentNode;
  inputRewrites?: unknown[];
  outputRewrites?: unknown[];
  contextRewrites?: unknown[];
}

export interface FlattenNode {
  kind: 'Flatten';
  path: ResponsePath;
  node: PlanNode;
}

export interface SequenceNode {
  kind: 'Sequence' | 'Parallel';
  nodes: PlanNode[];
}

/** A branch on a Boolean variable (the planner's form of @skip/@include at a fetch boundary). */
export interface ConditionNode {
  kind: 'Condition';
  condition: string;
  ifClause?: PlanNode;
  elseClause?: PlanNode;
}

export type PlanNode = FetchNode | FlattenNode | SequenceNode | ConditionNode | { kind: 'Defer' | 'Subscription' };

export interface QueryPlan {
  kind: 'QueryPlan';
  node?: PlanNode;
}

/** Why the compiled path cannot run this plan, or null when it can. */
export function unsupportedPart(node: PlanNode | undefined): string | null {
  if (!node) return null;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of (node as SequenceNode).nodes) {
        const reason = unsupportedPart(child);
        if (reason) return reason;
      }
      return null;
    case 'Flatten':
      return unsupportedPart((node as FlattenNode).node);
    case 'Fetch': {
      const fetch = node as FetchNode;
      if (fetch.inputRewrites?.length || fetch.outputRewrites?.length || fetch.contextRewrites?.length) return 'rewrites';
      return null;
    }
    case 'Condition': {
      const condition = node as ConditionNode;
      return unsupportedPart(condition.ifClause) ?? unsupportedPart(condition.elseClause);
    }
    case 'Defer':
      return 'defer';
    case 'Subscription':
      return 'subscription';
    default:
      return `plan node ${(node as { kind: string }).kind}`;
  }
}
