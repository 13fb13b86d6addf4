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
import { getVariableValues, Kind, print, type GraphQLSchema, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';

/** The request's variables do not fit the operation's declarations. */
export class VariablesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VariablesError';
  }
}

export function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  raw: Readonly<Record<string, unknown>> | null | undefined,
): Record<string, unknown> {
  const definitions = operation.variableDefinitions ?? [];
  // Nothing declared: nothing to coerce (graphql ignores undeclared variables).
  if (definitions.length === 0) return {};
  const result = getVariableValues(schema, definitions, { ...(raw ?? {}) }, { maxErrors: 5 });
  if (result.errors) {
    const name = operation.name?.value ? `operation ${operation.name.value}` : 'the operation';
    // Variable values are personal data (identity numbers, plates): this message reaches
    // the operational log, so it names each variable, its declared type and the kind of
    // value sent — never the value itself (graphql's own messages quote it).
    const misfits = result.errors.map((e) => {
      const definition = e.nodes?.find((n): n is VariableDefinitionNode => n.kind === Kind.VARIABLE_DEFINITION);
      return definition
        ? `$${definition.variable.name.value}: expected ${print(definition.type)}, got ${kindOf(raw?.[definition.variable.name.value])}`
        : 'a value that does not fit';
    });
    throw new VariablesError(`the request's variables do not fit the declarations of ${name}: ${misfits.join('; ')}`);
  }
  return result.coerced;
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'no value';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}
