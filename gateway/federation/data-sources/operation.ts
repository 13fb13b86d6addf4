/**
 * Reading and re-cutting the operation of one subgraph fetch.
 *
 * The query planner sends one operation per fetch; a region data source may have to
 * send each region only some of its root fields (those the region owns, or those
 * whose `regions:` filter names it). Cutting an operation must keep it valid: variable
 * definitions and fragments no longer used are dropped (GraphQL refuses unused ones).
 */
import {
  Kind,
  parse,
  print,
  valueFromASTUntyped,
  visit,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
  type ASTNode,
} from 'graphql';
import { reachedFragments, understand, type UnderstoodOperation } from '../../../common/operations/understood.ts';
import type { GraphQLBody } from './types.ts';

export interface FetchOperation {
  body: GraphQLBody;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The fetch document's fragments and expanded selections (common/operations/understood.ts). */
  understood: UnderstoodOperation;
  /** Top-level fields (fragments at the root flattened). */
  rootFields: readonly FieldNode[];
  variables: Record<string, unknown>;
}

/** Which regions get a root field, and what variables they get for it. */
export interface FieldRoute {
  field: FieldNode;
  regions: readonly string[];
  /** Variable definitions the field needs beyond the operation's own (e.g. a rewritten `after`). */
  addedVariables?: VariableDefinitionNode[];
  /** Per-region values of those variables. */
  variablesFor?: (region: string) => Record<string, unknown>;
}

/**
 * The GraphQL body of the planner's request, without what must not travel to a region
 * (the gateway's own `http` options object).
 */
export function bodyOf(request: { query?: string; variables?: Record<string, unknown>; operationName?: string }): GraphQLBody {
  if (!request.query) throw new Error('the query planner sent a fetch without a query');
  const body: GraphQLBody = { query: request.query };
  if (request.variables) body.variables = request.variables;
  if (request.operationName) body.operationName = request.operationName;
  return body;
}

export function readFetch(body: GraphQLBody, document?: DocumentNode): FetchOperation {
  const doc = document ?? parse(body.query);
  // The planner writes one operation per fetch: the named one, or the only one.
  const understood = understand(doc, body.operationName);
  const { operation } = understood;
  if (!operation) throw new Error(`fetch operation ${JSON.stringify(body.operationName ?? '(unnamed)')} not found in its document`);
  return {
    body,
    document: doc,
    operation,
    understood,
    rootFields: understood.rootFields,
    variables: withDeclaredDefaults(operation, body.variables ?? {}),
  };
}

/**
 * The fetch's variables with each declared default filled in where no value was sent: a
 * region applies `$regions: [String!] = ["JS"]` itself, but the gateway reads the same
 * arguments to decide which regions to ask, and must read what the region will read.
 */
function withDeclaredDefaults(operation: OperationDefinitionNode, variables: Record<string, unknown>): Record<string, unknown> {
  const missing = (operation.variableDefinitions ?? []).filter((d) => d.defaultValue && !(d.variable.name.value in variables));
  if (missing.length === 0) return variables;
  const filled = { ...variables };
  for (const definition of missing) filled[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue!);
  return filled;
}

export function responseKey(field: FieldNode): string {
  return field.alias?.value ?? field.name.value;
}

/** The argument's value (variables substituted), or undefined when it is not given. */
export function argumentValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const argument = field.arguments?.find((a) => a.name.value === name);
  return argument ? valueFromASTUntyped(argument.value, variables) : undefined;
}

/**
 * The request body for every region that gets at least one root field. Regions given
 * the whole operation unchanged share the planner's own query text.
 */
export function requestsByRegion(fetch: FetchOperation, routes: readonly FieldRoute[]): Map<string, GraphQLBody> {
  const byRegion = new Map<string, FieldRoute[]>();
  for (const route of routes) {
    for (const region of route.regions) {
      const list = byRegion.get(region) ?? [];
      list.push(route);
      byRegion.set(region, list);
    }
  }
  const printed = new Map<string, string>();
  const requests = new Map<string, GraphQLBody>();
  for (const [region, regionRoutes] of byRegion) {
    const signature = regionRoutes.map((r) => routes.indexOf(r)).join(',');
    let query = printed.get(signature);
    if (query === undefined) {
      query = isWholeOperation(fetch, regionRoutes) ? fetch.body.query : print(cutOperation(fetch, regionRoutes));
      printed.set(signature, query);
    }
    const variables = Object.assign({}, fetch.variables, ...regionRoutes.map((r) => r.variablesFor?.(region) ?? {}));
    requests.set(region, { query, variables, operationName: fetch.body.operationName });
  }
  return requests;
}

function isWholeOperation(fetch: FetchOperation, routes: readonly FieldRoute[]): boolean {
  return routes.length === fetch.rootFields.length && routes.every((r, i) => r.field === fetch.rootFields[i] && !r.addedVariables?.length);
}

/** An operation holding only the routes' fields, with only the variables and fragments they use. */
export function cutOperation(fetch: FetchOperation, routes: readonly FieldRoute[]): DocumentNode {
  const fields = routes.map((r) => r.field);
  const fragments = reachedFragments(fields, fetch.understood.fragments);
  const variableNames = usedVariables([...fields, ...fragments]);
  const definitions = [...(fetch.operation.variableDefinitions ?? []), ...routes.flatMap((r) => r.addedVariables ?? [])];
  const operation: OperationDefinitionNode = {
    ...fetch.operation,
    variableDefinitions: definitions.filter((d) => variableNames.has(d.variable.name.value)),
    selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
  };
  return { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
}

function usedVariables(nodes: readonly ASTNode[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes)
    visit(node, {
      Variable(v) {
        names.add(v.name.value);
      },
    });
  return names;
}

/** A copy of `field` whose argument `name` reads the variable `variable` instead. */
export function withArgumentVariable(field: FieldNode, name: string, variable: string): FieldNode {
  const others = (field.arguments ?? []).filter((a) => a.name.value !== name);
  return {
    ...field,
    arguments: [
      ...others,
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: name },
        value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: variable } },
      },
    ],
  };
}

export function variableDefinition(name: string, type: string): VariableDefinitionNode {
  return {
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } },
    type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type } },
  };
}
