/**
 * Data source of the **search** part: fanned out like the index part, but each search
 * connection is merged page-wise (k-way by node key, see merge/connection-merge.ts)
 * under a composite cursor holding every region's position.
 *
 * On the way in, the `after` cursor is opened (it is sealed: encrypted, authenticated,
 * bound to the caller and to the search, expiring — gateway/cursors/sealed-cursor.ts)
 * and each region gets its own position (through a per-field variable, whatever the
 * planner wrote); exhausted regions are not asked again (`skipped`). On the way out,
 * every cursor is sealed for the same caller and search.
 *
 * Filter strings holding control characters are refused here, before any region is
 * asked: a NUL cut one legacy system's filter short and matched everything
 * (filter-text.ts; the adapters refuse them too).
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { getNamedType, isObjectType, valueFromAST, type FieldNode, type GraphQLObjectType } from 'graphql';
import { CursorError, startPosition, type CompositePosition } from '../../cursors/composite-position.ts';
import type { CursorBinding, CursorSealer } from '../../cursors/index.ts';
import type { GatewayContext } from '../../context.ts';
import { quoteInput } from '../../../common/normalise/index.ts';
import { controlCharacterIn } from './filter-text.ts';
import { fanOutDecisions } from './fanned-out-data-source.ts';
import { fetchFannedEntities, isEntitiesFetch } from './entities-fetch.ts';
import {
  argumentValue,
  bodyOf,
  readFetch,
  responseKey,
  variableDefinition,
  withArgumentVariable,
  type FetchOperation,
} from './operation.ts';
import type { PartSchema } from './part-schema.ts';
import { badUserInput } from './region-errors.ts';
import type { RegionFetcher } from './region-fetch.ts';
import { selectRegions } from './region-filter.ts';
import { fetchRootFields, type RootDecision } from './root-fetch.ts';
import { combineConnection, hasEdges, mergedErrorPath, withMergeSelections } from './search-connection.ts';
import type { MergedPage } from '../merge/connection-merge.ts';
import type { RegionEntry } from './types.ts';

const DEFAULT_FIRST = 20;

export class SearchDataSource implements GraphQLDataSource {
  constructor(
    private readonly fetcher: RegionFetcher,
    private readonly part: PartSchema,
    private readonly cursors: CursorSealer,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const fetch = readFetch(bodyOf(options.request), 'document' in options ? options.document : undefined);
    const regions = this.fetcher.regions(options.context);
    const { context } = options;
    const merge = { keys: this.part.keys };
    if (isEntitiesFetch(fetch)) return fetchFannedEntities(this.fetcher, { fetch, regions, context, merge });
    const plain = fanOutDecisions(fetch, regions);
    const caller = callerOf(context);
    const decisions = fetch.rootFields.map((field, i) => this.searchDecision(fetch, field, i, regions, caller) ?? plain[i]);
    return fetchRootFields(this.fetcher, { fetch, regions, context, merge, decisions });
  }

  /** The route of a connection field, or null for any other root field. */
  private searchDecision(
    fetch: FetchOperation,
    field: FieldNode,
    index: number,
    regions: readonly RegionEntry[],
    caller: string,
  ): RootDecision | null {
    const connection = this.connectionType(field);
    if (!connection) return null;
    const filter = argumentValue(field, 'filter', fetch.variables);
    const control = controlCharacterIn(filter);
    if (control) {
      return {
        refused: badUserInput(
          `${field.name.value}(filter.${control.path}:): the value holds the control character ${control.character}; filter text may not contain control characters`,
          [responseKey(field)],
        ),
      };
    }
    const selection = selectRegions(field, fetch.variables, regions);
    if ('refused' in selection) return selection;
    const binding: CursorBinding = { caller, field: field.name.value, filter };
    const incoming = incomingPosition(field, fetch.variables, selection.codes, this.cursors, binding);
    if ('refused' in incoming) return incoming;

    const skipped = new Map(selection.skipped);
    for (const code of selection.codes) if (incoming.position[code] === false) skipped.set(code, 'exhausted on an earlier page');
    const asked = selection.codes.filter((code) => !skipped.has(code));
    const variable = `_ld_after_${index}`;
    const nodeKeyFields = this.nodeKeyFields(connection);
    const input = {
      original: field,
      understood: fetch.understood,
      nodeKeyFields,
      incoming: incoming.position,
      incomingKey: incoming.lastKey,
      first: this.first(field, fetch.variables),
      asked,
      typename: connection.name,
      seal: (position: CompositePosition, lastKey: string | null) => this.cursors.seal(position, binding, lastKey),
    };
    let page: MergedPage | null = null;
    return {
      field: withMergeSelections(withArgumentVariable(field, 'after', variable), nodeKeyFields),
      regions: asked,
      skipped,
      addedVariables: [variableDefinition(variable, 'String')],
      variablesFor: (code) => ({ [variable]: incoming.position[code] ?? null }),
      combine: (values, merger) => {
        const combined = combineConnection(input, values, merger);
        page = combined.page;
        return combined;
      },
      errorPath: (path, region) => mergedErrorPath(field, fetch.understood, page, path, region),
      isHit: hasEdges,
    };
  }

  /** The connection type a root field returns (it has `edges` and `pageInfo`), or null. */
  private connectionType(field: FieldNode): GraphQLObjectType | null {
    const definition = this.part.schema.getQueryType()?.getFields()[field.name.value];
    const type = definition && getNamedType(definition.type);
    if (!type || !isObjectType(type)) return null;
    const fields = type.getFields();
    return fields.edges && fields.pageInfo ? type : null;
  }

  private nodeKeyFields(connection: GraphQLObjectType): string[] {
    const edge = getNamedType(connection.getFields().edges.type);
    const node = isObjectType(edge) ? getNamedType(edge.getFields().node?.type) : undefined;
    const keyFields = node ? this.part.keys.get(node.name) : undefined;
    if (!keyFields)
      throw new Error(
        `search connection ${connection.name}: its node type ${node?.name ?? '(none)'} has no @key, so regions' pages cannot be merged`,
      );
    return [...keyFields];
  }

  /** The page size asked: the argument, else the schema's default (`first: Int = 20`). */
  private first(field: FieldNode, variables: Record<string, unknown>): number {
    const given = argumentValue(field, 'first', variables);
    if (typeof given === 'number') return Math.max(0, Math.floor(given));
    const argument = this.part.schema
      .getQueryType()
      ?.getFields()
      [field.name.value]?.args.find((a) => a.name === 'first');
    const fallback = argument?.astNode?.defaultValue ? valueFromAST(argument.astNode.defaultValue, argument.type) : undefined;
    return typeof fallback === 'number' ? fallback : DEFAULT_FIRST;
  }
}

/** Cursors are bound to the officer; '' for an anonymous caller (where allowed) or no caller (tests of the data source alone). */
function callerOf(context: unknown): string {
  return (context as Partial<GatewayContext> | undefined)?.caller?.sub ?? '';
}

/** Every asked region's position before this page and the last key emitted, from the sealed `after`. */
function incomingPosition(
  field: FieldNode,
  variables: Record<string, unknown>,
  codes: readonly string[],
  cursors: CursorSealer,
  binding: CursorBinding,
): { position: CompositePosition; lastKey: string | null } | { refused: ReturnType<typeof badUserInput> } {
  const after = argumentValue(field, 'after', variables);
  if (after === undefined || after === null) return { position: startPosition(codes), lastKey: null };
  const path = [responseKey(field)];
  if (typeof after !== 'string')
    return {
      refused: badUserInput(
        `${field.name.value}(after:): expected a cursor string, got ${quoteInput(JSON.stringify(after) ?? String(after))}`,
        path,
      ),
    };
  let decoded: CompositePosition;
  let lastKey: string | null;
  try {
    ({ position: decoded, lastKey } = cursors.openPage(after, binding));
  } catch (error) {
    if (!(error instanceof CursorError)) throw error;
    const refused = badUserInput(`${field.name.value}(after:): ${error.message}`, path);
    return { refused: { ...refused, extensions: { ...refused.extensions, reason: `cursor-${error.reason}` } } };
  }
  const missing = codes.filter((code) => !(code in decoded));
  if (missing.length > 0) {
    return {
      refused: badUserInput(
        `${field.name.value}(after:): the cursor holds no position for region(s) ${missing.join(', ')}; it was issued for regions ${Object.keys(decoded).join(', ')} — page with the same regions: filter, or start again without after`,
        path,
      ),
    };
  }
  return { position: Object.fromEntries(codes.map((code) => [code, decoded[code]])), lastKey };
}
