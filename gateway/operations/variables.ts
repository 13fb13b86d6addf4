/**
 * An operation's variables as execution sees them: declared defaults applied and each
 * value coerced to its declared type (graphql's getVariableValues, the same call
 * graphql-js and @apollo/gateway make before executing).
 *
 * Whatever reads `@include(if: $v)`, `@skip(if: $v)` or a size argument must use these,
 * not the request's raw `variables`: `query($v: Boolean = true)` sent without `v` runs
 * with `v = true`, and getDirectiveValues given the raw object throws on the missing
 * value.
 */
import { getVariableValues, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/** The request's variables do not fit the operation's declarations. */
export class VariablesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VariablesError';
  }
}

export function coerceVariables(
  schema: GraphQLSchema, operation: OperationDefinitionNode, raw: Readonly<Record<string, unknown>> | null | undefined,
): Record<string, unknown> {
  const definitions = operation.variableDefinitions ?? [];
  // Nothing declared: nothing to coerce (graphql ignores undeclared variables).
  if (definitions.length === 0) return {};
  const result = getVariableValues(schema, definitions, { ...(raw ?? {}) }, { maxErrors: 5 });
  if (result.errors) {
    const name = operation.name?.value ? `operation ${operation.name.value}` : 'the operation';
    throw new VariablesError(`variables ${JSON.stringify(raw ?? {})} do not fit the declarations of ${name}: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.coerced;
}
