/**
 * What an operation asked for, in schema terms: the field coordinates it selects
 * (`Query.person`, `PersonRecord.address`), so an auditor can ask who requested
 * contact details without re-parsing stored query texts.
 */
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { OperationMemo } from '../../common/operations/memo.ts';
import { understand } from '../../common/operations/understood.ts';
import { sha256Hex } from '../../common/log/canonical.ts';

/** The same hash Apollo Server computes for a query text (SHA-256, hex). */
export function operationHash(text: string): string {
  return sha256Hex(text);
}

/** Per (schema, document, operation name): the walk runs once per distinct operation. */
const coordinatesMemo = new OperationMemo<string[]>();

/** Sorted, distinct `Type.field` coordinates the operation (and the fragments it may use) selects. */
export function requestedCoordinates(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): string[] {
  // Frozen: every record of this operation shares the one list.
  return coordinatesMemo.get(
    schema,
    document,
    operationName ?? '',
    () => Object.freeze(walkCoordinates(schema, document, operationName)) as string[],
  );
}

function walkCoordinates(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): string[] {
  const { operation, scope } = understand(document, operationName);
  if (!operation) return [];
  const coordinates = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    scope,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && node.name.value !== '__typename') coordinates.add(`${parent.name}.${node.name.value}`);
      },
    }),
  );
  return [...coordinates].sort();
}
