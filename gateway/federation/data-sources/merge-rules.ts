/**
 * Fields of the fanned-out part whose regions' values combine instead of conflicting.
 *
 * `Person.wanted` and `Vehicle.alerted` are "true when any region has one in force":
 * each region only knows its own notices, so the merged value is true if any region
 * says true. Keeping the first region's `false` would hide a wanted person.
 */
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { MergeRules } from '../merge/deep-merge.ts';

const anyRegion = (kept: unknown, incoming: unknown) => kept === true || incoming === true;

export const INDEX_MERGE_RULES: MergeRules = new Map([
  ['Person.wanted', anyRegion],
  ['Vehicle.alerted', anyRegion],
]);

/**
 * The rules keyed by response key as this operation names the fields: the data carries
 * aliases (`w: wanted` arrives as `w`), so each aliased selection of a ruled field
 * gets the rule under its alias too.
 */
export function rulesForOperation(document: DocumentNode, schema: GraphQLSchema, rules: MergeRules): MergeRules {
  const resolved = new Map(rules);
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(field) {
        const parent = typeInfo.getParentType();
        const rule = parent && field.alias ? rules.get(`${parent.name}.${field.name.value}`) : undefined;
        if (rule) resolved.set(`${parent!.name}.${field.alias!.value}`, rule);
      },
    }),
  );
  return resolved;
}
