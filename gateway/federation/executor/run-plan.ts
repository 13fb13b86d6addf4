/**
 * Runs a query plan's Fetch, Flatten, Sequence and Parallel nodes through the gateway's
 * data sources (the ones @apollo/gateway built with `buildService`, so authorisation
 * headers, disclosure keys, fan-out, routing, the entity cache and the audit's sent
 * subjects see exactly the requests they see under Apollo's executor), merging each
 * fetch's answer into the response data in place as it arrives.
 *
 * It follows @apollo/gateway 2.x's executeQueryPlan step for step — which entities a
 * fetch is for, the representations it sends, how its answer is merged, how a subgraph's
 * errors are named and where their paths point — and leaves out what Liandong does not
 * use: usage-reporting trace nodes (a request that captures traces goes to Apollo's
 * executor) and Apollo's own OpenTelemetry spans (Liandong's tracing spans the plan and
 * execute phase and each region fetch itself).
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, type GraphQLSchema, isAbstractType, isInterfaceType, isObjectType } from 'graphql';
import { mergeInto } from './merge.ts';
import type { ConditionNode, FetchNode, FlattenNode, PlanNode, RequiresSelection, ResponsePath, SequenceNode } from './plan.ts';

type Obj = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

/** What one execution of a plan reads and where its fetch errors go. */
export interface PlanRun {
  serviceMap: Record<string, GraphQLDataSource>;
  /** Apollo Server's request context (GatewayGraphQLRequestContext), handed to every data source as it is. */
  requestContext: {
    request: { variables?: Obj };
    context: unknown;
    metrics?: { nonFtv1ErrorPaths?: { subgraph: string; path: unknown }[] };
  };
  supergraphSchema: GraphQLSchema;
  /** The operation's variable defaults (for Condition nodes), or null when it declares none. */
  variableDefaults: Obj | null;
  /** Fetch failures and subgraph errors, in the order they arrive (as Apollo collects them). */
  errors: unknown[];
}

interface Cursor {
  path: ResponsePath;
  data: unknown;
  fullResult: Obj;
}

export async function runNode(run: PlanRun, node: PlanNode, cursor: Cursor | undefined): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case 'Sequence':
      for (const child of (node as SequenceNode).nodes) await runNode(run, child, cursor);
      return;
    case 'Parallel':
      await Promise.all((node as SequenceNode).nodes.map((child) => runNode(run, child, cursor)));
      return;
    case 'Flatten': {
      const flatten = node as FlattenNode;
      return runNode(run, flatten.node, moveIntoCursor(cursor, flatten.path));
    }
    case 'Condition': {
      const condition = node as ConditionNode;
      const branch = conditionHolds(run, condition.condition) ? condition.ifClause : condition.elseClause;
      if (branch) await runNode(run, branch, cursor);
      return;
    }
    case 'Fetch':
      try {
        await runFetch(run, node as FetchNode, cursor);
      } catch (error) {
        run.errors.push(error);
      }
      return;
    default:
      // plan.ts sends every other kind to Apollo's executor before anything runs.
      throw new Error(`plan node ${node.kind} reached the compiled executor`);
  }
}

/** The Boolean variable a Condition node branches on, or its default (@apollo/query-planner's evaluateCondition). */
function conditionHolds(run: PlanRun, variable: string): boolean {
  const values = run.requestContext.request.variables;
  let value = values && hasOwn.call(values, variable) ? values[variable] : undefined;
  if (value === undefined) value = run.variableDefaults?.[variable];
  if (value === undefined) throw new Error(`Missing value for variable $${variable} (and no default found)`);
  if (typeof value !== 'boolean') throw new Error(`Invalid non-boolean value ${value} for Boolean! variable $${variable}`);
  return value;
}

async function runFetch(run: PlanRun, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = run.serviceMap[fetch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  let entities: Obj[];
  if (Array.isArray(cursor.data)) {
    entities = [];
    for (const entity of cursor.data) if (entity !== null && entity !== undefined) entities.push(entity as Obj);
  } else {
    entities = [cursor.data as Obj];
  }
  if (entities.length < 1) return;

  const variables: Obj = Object.create(null);
  const provided = run.requestContext.request.variables;
  if (fetch.variableUsages && provided) {
    for (const name of fetch.variableUsages) {
      if (hasOwn.call(provided, name) && typeof provided[name] !== 'undefined') variables[name] = provided[name];
    }
  }

  if (!fetch.requires) {
    const data = await send(run, service, fetch, cursor, variables);
    for (const entity of entities) mergeInto(entity, data);
    return;
  }

  const representations: Obj[] = [];
  const representationToEntity: number[] = [];
  for (let i = 0; i < entities.length; i++) {
    const representation = selectRequired(run.supergraphSchema, entities[i], fetch.requires);
    if (representation?.__typename) {
      representations.push(representation);
      representationToEntity.push(i);
    }
  }
  if (representations.length < 1) return;
  if ('representations' in variables) throw new Error(`Variables cannot contain key "representations"`);
  const data = await send(run, service, fetch, cursor, { ...variables, representations });
  if (!data) return;
  const received = data._entities;
  if (!(received && Array.isArray(received))) throw new Error(`Expected "data._entities" in response to be an array`);
  if (received.length !== representations.length) {
    throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  }
  for (let i = 0; i < received.length; i++) {
    const receivedEntity = received[i] as Obj | null;
    const existing = entities[representationToEntity[i]];
    if (receivedEntity && !receivedEntity.__typename) receivedEntity.__typename = existing.__typename;
    mergeInto(existing, receivedEntity);
  }
}

async function send(
  run: PlanRun,
  service: GraphQLDataSource,
  fetch: FetchNode,
  cursor: Cursor,
  variables: Obj,
): Promise<Obj | undefined | null> {
  const response = await service.process({
    kind: 'incoming operation' as GraphQLDataSourceProcessOptions['kind'],
    request: { query: fetch.operation, variables, operationName: fetch.operationName, http: undefined },
    incomingRequestContext: run.requestContext,
    context: run.requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path,
  } as GraphQLDataSourceProcessOptions);
  if (response.errors) {
    const pathOf = errorPathGenerator(fetch, cursor);
    for (const error of response.errors) run.errors.push(downstreamError(error, fetch.serviceName, pathOf));
    if (!response.extensions?.ftv1) {
      const paths = response.errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
      const metrics = run.requestContext.metrics;
      if (metrics) {
        if (metrics.nonFtv1ErrorPaths) metrics.nonFtv1ErrorPaths.push(...paths);
        else metrics.nonFtv1ErrorPaths = paths;
      }
    }
  }
  return response.data as Obj | undefined | null;
}

/** A subgraph error as the client sees it: its code (or DOWNSTREAM_SERVICE_ERROR), the subgraph's name, its path in the response. */
function downstreamError(
  original: { message?: string; path?: readonly (string | number)[]; extensions?: Obj },
  serviceName: string,
  pathOf: (path: readonly (string | number)[] | undefined) => (string | number)[] | undefined,
): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const extensions: Obj = { ...original.extensions, serviceName };
  // Apollo keeps a code the error has and names one it lacks (the key stays where the subgraph put it).
  if (!original.extensions?.code) extensions.code = 'DOWNSTREAM_SERVICE_ERROR';
  return new GraphQLError(message, { originalError: original as Error, path: pathOf(original.path), extensions });
}

/**
 * An entity fetch's error path `[_entities, i, …]` points at the i-th entity reached
 * through the flatten path (null entities skipped, as Apollo counts them); any other
 * path is the subgraph's path under the fetch's place in the response.
 */
function errorPathGenerator(fetch: FetchNode, cursor: Cursor) {
  let hydrated: (string | number)[][] | undefined;
  return (errorPath: readonly (string | number)[] | undefined): (string | number)[] | undefined => {
    if (fetch.requires && typeof errorPath?.[1] === 'number') {
      if (!hydrated) {
        hydrated = [];
        hydratePaths([], cursor.path, cursor.fullResult, hydrated);
      }
      return [...(hydrated[errorPath[1]] ?? []), ...errorPath.slice(2)];
    }
    return errorPath ? [...cursor.path, ...errorPath] : undefined;
  };
}

function hydratePaths(parent: (string | number)[], path: ResponsePath, data: unknown, result: (string | number)[][]): void {
  const head = path[0];
  if (data == null) return;
  if (head == null) {
    result.push(parent.slice());
  } else if (head === '@') {
    if (!Array.isArray(data)) throw new Error('expected array when encountering `@`');
    for (let i = 0; i < data.length; i++) {
      parent.push(i);
      hydratePaths(parent, path.slice(1), data[i], result);
      parent.pop();
    }
  } else if (typeof head === 'string') {
    if (Array.isArray(data)) {
      for (let i = 0; i < data.length; i++) {
        parent.push(i);
        hydratePaths(parent, path, data[i], result);
        parent.pop();
      }
    } else if (hasOwn.call(data, head)) {
      parent.push(head);
      hydratePaths(parent, path.slice(1), (data as Obj)[head], result);
      parent.pop();
    }
  } else {
    throw new Error(`unknown path part "${head}"`);
  }
}

/** The representation of an entity for an entity fetch: its `requires` selections, or null when one is missing. */
function selectRequired(schema: GraphQLSchema, source: Obj | null, selections: readonly RequiresSelection[]): Obj | null {
  if (source === null) return null;
  const result: Obj = Object.create(null);
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ?? selection.name;
      const value = hasOwn.call(source, responseName) ? source[responseName] : undefined;
      if (typeof value === 'undefined') return null;
      const sub = selection.selections;
      if (Array.isArray(value)) {
        result[responseName] = value.map((element) => (sub ? selectRequired(schema, element as Obj | null, sub) : element));
      } else if (sub) {
        result[responseName] = selectRequired(schema, value as Obj | null, sub);
      } else {
        result[responseName] = value;
      }
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      mergeInto(result, selectRequired(schema, source, selection.selections));
    }
  }
  return result;
}

function isObjectOfType(schema: GraphQLSchema, object: Obj, typeCondition: string): boolean {
  const typename = object.__typename as string | undefined;
  if (!typename) return false;
  if (typeCondition === typename) return true;
  const type = schema.getType(typename);
  if (!type) return false;
  const condition = schema.getType(typeCondition);
  if (!condition) return false;
  return isAbstractType(condition) && (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(condition, type);
}

function moveIntoCursor(cursor: Cursor, path: ResponsePath): Cursor | undefined {
  const data = flattenAtPath(cursor.data, path, 0);
  return data ? { path: cursor.path.concat(path), data, fullResult: cursor.fullResult } : undefined;
}

/**
 * The entities a Flatten node's path reaches, as Apollo's flattenResultsAtPath gives them
 * (each `@` is Array.prototype.flatMap over the elements), collected into one array
 * instead of one intermediate array per list on the way.
 */
function flattenAtPath(value: unknown, path: ResponsePath, from: number): unknown {
  for (let i = from; i < path.length; i++) {
    if (value === undefined || value === null) return value;
    const current = path[i];
    if (current === '@') {
      const out: unknown[] = [];
      for (const element of asList(value)) appendAtPath(out, element, path, i + 1);
      return out;
    }
    value = step(value, current);
  }
  return value;
}

/** Appends what flattenAtPath(value, path, from) gives, spread one level (flatMap's rule). */
function appendAtPath(out: unknown[], value: unknown, path: ResponsePath, from: number): void {
  for (let i = from; i < path.length; i++) {
    if (value === undefined || value === null) break;
    const current = path[i];
    if (current === '@') {
      for (const element of asList(value)) appendAtPath(out, element, path, i + 1);
      return;
    }
    value = step(value, current);
  }
  if (Array.isArray(value)) for (const element of value) out.push(element);
  else out.push(value);
}

function asList(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new TypeError('value.flatMap is not a function');
  return value;
}

function step(value: unknown, current: string | number): unknown {
  if (typeof current !== 'string') throw new Error(`Unexpected ${typeof current} found in path`);
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${current}`);
  return hasOwn.call(value, current) ? (value as Obj)[current] : undefined;
}
