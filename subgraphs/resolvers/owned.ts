/**
 * Field resolvers every region-owned record shares, in whichever part it is served:
 * parents are the adapter's own records (local ids), and `id` adds the region prefix
 * on the way out. The records part resolves these types by reference; the index part
 * serves the plain fields of the records it lists (`@provides`), with the same resolvers.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { SubgraphContext as Ctx } from '../context.ts';
import { liandongId } from '../ids.ts';

export const ownedFields = {
  id: (record: { id: string }, _args: unknown, ctx: Ctx) => liandongId(ctx.region, record.id),
  region: (_record: unknown, _args: unknown, ctx: Ctx) => ctx.region,
};

export const personRecordFields = {
  ...ownedFields,
  localId: (record: { id: string }) => record.id,
};

const KEY_ONLY = new Set(['id', '__typename']);

/**
 * Whether the field's selection asks for nothing but the record's key: then a link is
 * answered with the key alone, and the record is not read from the region's system.
 */
export function selectsKeyOnly(info: Pick<GraphQLResolveInfo, 'fieldNodes'>): boolean {
  return info.fieldNodes.every((node) =>
    (node.selectionSet?.selections ?? []).every((selection) => selection.kind === 'Field' && KEY_ONLY.has(selection.name.value)),
  );
}
