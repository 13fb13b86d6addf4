/**
 * Shows each field's authorisation requirement in GraphiQL's docs explorer: for
 * introspection requests from the GraphiQL page (which sends `x-liandong-docs:
 * requirements`), appends "Requires: …" — from the requirement map the gateway
 * enforces — to the description of every type and field that has one.
 *
 * Only the page's requests are decorated, so the schema other tools introspect (code
 * generators, clients) keeps the contract's descriptions word for word. A field's
 * requirement shown is what reaching it takes: its parent type's, its own, and its
 * return type's (RequirementIndex).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { RequirementIndex } from '../authorisation/requirement-index.ts';
import { both, isEmpty, missing, type Requirement, type RequirementMap } from '../authorisation/requirement.ts';
import type { GatewayContext } from '../context.ts';
import { DOCS_HEADER, DOCS_HEADER_VALUE } from './page-config.ts';

/** Facts of a caller who has nothing: `missing()` then lists the whole requirement. */
const NOBODY = { authenticated: false, scopes: new Set<string>(), policies: new Map<string, boolean>() };

/** "Requires: scope person:read and scope person:contact"; null when there is nothing to say. */
export function describeRequirement(requirement: Requirement): string | null {
  if (isEmpty(requirement)) return null;
  return `Requires: ${missing(requirement, NOBODY).join('; ')}`;
}

interface IntrospectedField {
  name: string;
  description?: string | null;
}
interface IntrospectedType {
  name: string;
  description?: string | null;
  fields?: IntrospectedField[] | null;
}

export class RequirementDocs {
  private readonly index: RequirementIndex;

  constructor(
    private readonly schema: GraphQLSchema,
    requirements: RequirementMap,
  ) {
    this.index = new RequirementIndex(schema, requirements);
  }

  /** Decorates one introspected type (and its fields) in place. */
  decorate(type: IntrospectedType): void {
    const schemaType = this.schema.getType(type.name);
    if (!schemaType || !(isObjectType(schemaType) || isInterfaceType(schemaType))) return;
    const own = this.index.typeRequirement(schemaType);
    type.description = append(type.description, describeRequirement(own));
    for (const field of type.fields ?? []) {
      field.description = append(field.description, describeRequirement(both(own, this.index.fieldRequirement(schemaType, field.name))));
    }
  }

  /** Decorates an introspection result's `__schema.types` and `__type`, whichever it holds. */
  decorateResult(data: Record<string, unknown> | null | undefined): void {
    const schema = data?.__schema as { types?: IntrospectedType[] } | undefined;
    for (const type of schema?.types ?? []) this.decorate(type);
    const single = data?.__type as IntrospectedType | null | undefined;
    if (single) this.decorate(single);
  }
}

function append(description: string | null | undefined, note: string | null): string | null | undefined {
  if (!note) return description;
  return description ? `${description}\n\n${note}` : note;
}

export function requirementDocsPlugin(requirements: RequirementMap): ApolloServerPlugin<GatewayContext> {
  let docs: RequirementDocs | null = null;
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema }) {
          docs = new RequirementDocs(apiSchema, requirements);
        },
      };
    },
    async requestDidStart({ request }) {
      if (request.http?.headers.get(DOCS_HEADER) !== DOCS_HEADER_VALUE) return {};
      return {
        async willSendResponse({ response }) {
          if (response.body.kind === 'single') docs?.decorateResult(response.body.singleResult.data);
        },
      };
    },
  };
}
