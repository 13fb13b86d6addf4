/**
 * Which operation of a document a request runs, and whether this graph can run it —
 * decided before planning, with a 400 naming what was wrong. Left to @apollo/gateway,
 * an unknown `operationName`, a document of several operations without one, or a
 * mutation or subscription the graph has no root type for all fail at execution as a
 * 500 INVALID_GRAPHQL, as if the gateway were broken. (graphql-js 16 has no validation
 * rule for the missing root type; version 17 adds one, KnownOperationTypesRule.)
 */
import { GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type OperationTypeNode } from 'graphql';

export const RESOLUTION_CODES = {
  /** No operation in the document matches: unknown name, or several operations and no name. */
  unresolved: 'OPERATION_RESOLUTION_FAILURE',
  /** The operation is a mutation or subscription and the graph has none. */
  unsupported: 'OPERATION_TYPE_UNSUPPORTED',
  /** A subscription sent as a plain request: it needs an event stream or a WebSocket (gateway/live). */
  subscriptionTransport: 'SUBSCRIPTION_TRANSPORT_REQUIRED',
} as const;

/** The refusal for the operation a request asks to run, or null when it can run. */
export function operationRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  operation: OperationDefinitionNode | null | undefined,
): GraphQLError | null {
  if (!operation) return unresolved(document, operationName);
  if (!schema.getRootType(operation.operation as OperationTypeNode)) {
    const label = operation.name ? `"${operation.name.value}" ` : '';
    return refusal(
      RESOLUTION_CODES.unsupported,
      `The operation ${label}is a ${operation.operation}, and this graph has no ${operation.operation}s; it serves queries.`,
    );
  }
  if (operation.operation === 'subscription') {
    return refusal(
      RESOLUTION_CODES.subscriptionTransport,
      'Subscriptions are served as an event stream (POST /graphql with Accept: text/event-stream, graphql-sse) or over a WebSocket (graphql-ws) on /graphql, not as a single response.',
    );
  }
  return null;
}

function unresolved(document: DocumentNode, operationName: string | null | undefined): GraphQLError {
  const names = document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((d) => (d.name ? `"${d.name.value}"` : '(anonymous)'));
  const found = names.length === 0 ? 'the document has no operations' : `the document's operations are ${names.join(', ')}`;
  const message = operationName
    ? `operationName "${operationName}" names no operation in the document; ${found}.`
    : `The document has ${names.length} operations and no operationName says which to run; ${found}.`;
  return refusal(RESOLUTION_CODES.unresolved, message);
}

function refusal(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}
