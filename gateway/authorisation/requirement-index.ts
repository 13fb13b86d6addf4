/**
 * The requirement that applies to one selection, derived once per schema.
 *
 * A field needs its own requirement and its return type's. When the field's parent is
 * an interface, the same field on every implementation applies too (the runtime object
 * may be any of them); when the return type is abstract, every possible type's
 * requirement applies. Following Apollo, abstract types are resolved conservatively:
 * a caller who may not see one possible type may not select the abstract field.
 */
import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { both, NO_REQUIREMENT, type Requirement, type RequirementMap } from './requirement.ts';

export class RequirementIndex {
  private readonly fieldMemo = new Map<string, Requirement>();
  private readonly typeMemo = new Map<string, Requirement>();

  constructor(
    readonly schema: GraphQLSchema,
    private readonly map: RequirementMap,
  ) {}

  /** A type's own requirement, and each possible type's when it is abstract. */
  typeRequirement(type: GraphQLNamedType): Requirement {
    const cached = this.typeMemo.get(type.name);
    if (cached) return cached;
    let req = this.map[type.name]?.type ?? NO_REQUIREMENT;
    if (isAbstractType(type)) {
      for (const possible of this.schema.getPossibleTypes(type)) req = both(req, this.map[possible.name]?.type ?? NO_REQUIREMENT);
    }
    this.typeMemo.set(type.name, req);
    return req;
  }

  /**
   * What a fragment on `condition` needs inside a selection on `parent`: the condition's
   * own requirement, and that of each runtime type the fragment can match there. Only
   * types possible in both count: an object reached through an allowed field already
   * met its own type's requirement, and types the parent cannot be are never matched.
   */
  fragmentRequirement(parent: GraphQLCompositeType, condition: GraphQLCompositeType): Requirement {
    if (condition.name === parent.name) return NO_REQUIREMENT;
    const possible = (t: GraphQLCompositeType) => (isAbstractType(t) ? this.schema.getPossibleTypes(t).map((o) => o.name) : [t.name]);
    const inParent = new Set(possible(parent));
    let req = this.map[condition.name]?.type ?? NO_REQUIREMENT;
    for (const name of possible(condition)) {
      if (inParent.has(name)) req = both(req, this.map[name]?.type ?? NO_REQUIREMENT);
    }
    return req;
  }

  /** What selecting `parent.fieldName` needs (undefined field: no requirement; validation reports it). */
  fieldRequirement(parent: GraphQLCompositeType, fieldName: string): Requirement {
    const key = `${parent.name}.${fieldName}`;
    const cached = this.fieldMemo.get(key);
    if (cached) return cached;
    const req = this.computeField(parent, fieldName);
    this.fieldMemo.set(key, req);
    return req;
  }

  private computeField(parent: GraphQLCompositeType, fieldName: string): Requirement {
    if (fieldName.startsWith('__') || !('getFields' in parent)) return NO_REQUIREMENT;
    const field = parent.getFields()[fieldName];
    if (!field) return NO_REQUIREMENT;
    let req = both(this.map[parent.name]?.fields[fieldName] ?? NO_REQUIREMENT, this.typeRequirement(getNamedType(field.type)));
    if (isInterfaceType(parent)) {
      for (const impl of this.schema.getPossibleTypes(parent)) {
        req = both(req, this.map[impl.name]?.fields[fieldName] ?? NO_REQUIREMENT);
      }
    }
    return req;
  }
}
