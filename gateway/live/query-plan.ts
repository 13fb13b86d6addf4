/**
 * Turns a subscription's selection on `LiveEvent` into the ordinary query that resolves
 * one event for one subscriber, and the query's answer back into the event.
 *
 *   subscription { watch(idNumbers: $ids) { id kind p: person { name wanted } } }
 *   → query LiveEvent($liveIdNumber: String!) { p: person(idNumber: $liveIdNumber) { name wanted } }
 *
 * The query goes through the gateway's whole pipeline (authorisation, purpose, shield
 * rules, disclosure keys, audit), so pushed data obeys exactly the rules a query does.
 * When the client did not select `person` (or `vehicle`) the query still asks for the
 * subject under a hidden alias: the audit record then names whose change was pushed even
 * if the client only selected the scalar `idNumber`.
 */
import {
  GraphQLError,
  Kind,
  print,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { LiveEvent } from './events.ts';

const LINKS = {
  person: { argument: 'idNumber', variable: 'liveIdNumber', type: 'String', subject: 'idNumber' },
  vehicle: { argument: 'plate', variable: 'livePlate', type: 'String', subject: 'plate' },
  case: { argument: 'id', variable: 'liveCaseId', type: 'ID', subject: 'caseId' },
  assistanceRequest: { argument: 'id', variable: 'liveAssistanceId', type: 'ID', subject: 'assistanceId' },
} as const;
type Link = keyof typeof LINKS;
/**
 * Asked even when not selected: a person or vehicle so the audit record names whose change
 * was pushed (a case is not a subject); an assistance request so that its policy (either
 * side's officers) decides whether the subscriber may know what happened to it
 * (`assistanceChange` is shown only when it resolved), and the record names it.
 */
const HIDDEN: Partial<Record<Link, string>> = {
  person: 'liveSubjectPerson',
  vehicle: 'liveSubjectVehicle',
  assistanceRequest: 'liveSubjectAssistance',
};

/** What one event is about: the watched key it touches, the case behind the notice or alert, the assistance request. */
export interface EventSubject {
  idNumber: string | null;
  plate: string | null;
  caseId: string | null;
  /** Liandong id (`GZ:XC…`) of the assistance request an ASSISTANCE_ event is about. */
  assistanceId: string | null;
}

/** What the event itself answers, without asking anyone. */
const SCALARS = new Set([
  'id',
  'kind',
  'region',
  'at',
  'recordType',
  'recordId',
  'change',
  'assistanceChange',
  'idNumber',
  'plate',
  'detail',
  '__typename',
]);

export interface EventQuery {
  query: string;
  variables: Record<string, unknown>;
}

export class QueryPlan {
  /** The root field's response key (`watch`, or its alias). */
  readonly rootKey: string;
  private readonly scalars: Array<{ key: string; name: string }> = [];
  private readonly links: Array<{ key: string; name: Link; field: FieldNode }> = [];
  /** One query text (and the subscription's variables it uses) per shape: person, vehicle, both, neither. */
  private readonly fragments: Map<string, FragmentDefinitionNode>;
  private readonly variableDefinitions: readonly VariableDefinitionNode[];
  private readonly shapes = new Map<string, EventQuery>();

  constructor(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    private readonly variables: Record<string, unknown>,
  ) {
    const root = operation.selectionSet.selections[0] as FieldNode;
    this.rootKey = root.alias?.value ?? root.name.value;
    const fragments = new Map(
      document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
    );
    this.fragments = fragments;
    this.collect(root.selectionSet!, fragments);
    this.variableDefinitions = operation.variableDefinitions ?? [];
  }

  private collect(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const name = selection.name.value;
        if (name in LINKS) this.links.push({ key, name: name as Link, field: selection });
        else if (SCALARS.has(name)) this.scalars.push({ key, name });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) this.collect(selection.selectionSet, fragments);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) this.collect(fragment.selectionSet, fragments);
      }
    }
  }

  /** The query resolving the event's person, vehicle and case (`__typename` alone for a status event, which names none). */
  queryFor(subject: EventSubject): EventQuery {
    // A link is asked when the event has it and the client selected it (person and vehicle always: HIDDEN).
    const present = (Object.keys(LINKS) as Link[]).filter(
      (link) => subject[LINKS[link].subject] !== null && (HIDDEN[link] !== undefined || this.links.some((l) => l.name === link)),
    );
    const shape = present.join(',');
    let built = this.shapes.get(shape);
    if (built === undefined) {
      built = this.build(present);
      this.shapes.set(shape, built);
    }
    const variables: Record<string, unknown> = { ...built.variables };
    for (const link of present) variables[LINKS[link].variable] = subject[LINKS[link].subject];
    return { query: built.query, variables };
  }

  private build(present: Link[]): EventQuery {
    const fields: FieldNode[] = [];
    for (const link of present) {
      const selected = this.links.filter((l) => l.name === link);
      const withArgument = (field: FieldNode, alias: string): FieldNode => ({
        ...field,
        alias: { kind: Kind.NAME, value: alias },
        arguments: [
          {
            kind: Kind.ARGUMENT,
            name: { kind: Kind.NAME, value: LINKS[link].argument },
            value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: LINKS[link].variable } },
          },
        ],
      });
      for (const { key, field } of selected) fields.push(withArgument(field, key));
      const hidden = HIDDEN[link];
      if (selected.length === 0 && hidden) {
        const bare: FieldNode = {
          kind: Kind.FIELD,
          name: { kind: Kind.NAME, value: link },
          selectionSet: { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] },
        };
        fields.push(withArgument(bare, hidden));
      }
    }
    if (fields.length === 0) {
      // A status event: nothing to resolve, but it is still pushed, so still audited.
      fields.push({ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } });
    }
    const selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: fields };
    const usedFragments = this.fragmentsUsedBy(selectionSet);
    const usedVariables = new Set<string>();
    for (const node of [selectionSet, ...usedFragments]) {
      visit(node, {
        Variable(variable) {
          usedVariables.add(variable.name.value);
        },
      });
    }
    const definitions: VariableDefinitionNode[] = this.variableDefinitions.filter((d) => usedVariables.has(d.variable.name.value));
    const variables = Object.fromEntries(
      definitions
        .filter((d) => d.variable.name.value in this.variables)
        .map((d) => [d.variable.name.value, this.variables[d.variable.name.value]]),
    );
    for (const link of present) {
      definitions.push({
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: LINKS[link].variable } },
        type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: LINKS[link].type } } },
      });
    }
    const operation: OperationDefinitionNode = {
      kind: Kind.OPERATION_DEFINITION,
      operation: 'query' as OperationDefinitionNode['operation'],
      name: { kind: Kind.NAME, value: 'LiveEvent' },
      variableDefinitions: definitions,
      selectionSet,
    };
    return { query: print({ kind: Kind.DOCUMENT, definitions: [operation, ...usedFragments] }), variables };
  }

  /** Fragment definitions the selection spreads, directly or through other fragments. */
  private fragmentsUsedBy(selectionSet: SelectionSetNode): FragmentDefinitionNode[] {
    const used = new Map<string, FragmentDefinitionNode>();
    const walk = (node: SelectionSetNode | FragmentDefinitionNode) =>
      visit(node, {
        FragmentSpread: (spread) => {
          const fragment = this.fragments.get(spread.name.value);
          if (fragment && !used.has(fragment.name.value)) {
            used.set(fragment.name.value, fragment);
            walk(fragment);
          }
        },
      });
    walk(selectionSet);
    return [...used.values()];
  }

  /** Whether the event's assistance request came back (under its selected keys, or the hidden alias). */
  private requestResolved(subject: EventSubject, data: Record<string, unknown> | null | undefined): boolean {
    if (subject.assistanceId === null || !data) return false;
    const keys = this.links.filter((l) => l.name === 'assistanceRequest').map((l) => l.key);
    return [...keys, HIDDEN.assistanceRequest!].some((key) => data[key] !== null && data[key] !== undefined);
  }

  /** The event as the subscriber selected it, from the event and the query's answer. */
  result(
    event: LiveEvent,
    subject: EventSubject,
    answer: { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] },
    extensions: Record<string, unknown>,
  ): ExecutionResult {
    const values: Record<string, unknown> = {
      id: event.id,
      kind: event.kind,
      region: event.region,
      at: event.at,
      recordType: event.change?.type ?? null,
      recordId: event.change ? `${event.change.region}:${event.change.id}` : null,
      change: event.change?.action ?? null,
      idNumber: subject.idNumber,
      plate: subject.plate,
      // What happened to an assistance request is itself about the request: shown only to a
      // subscriber its query answered (either side's officers), never beside a FORBIDDEN.
      assistanceChange: this.requestResolved(subject, answer.data) ? (event.change?.assistance?.happened ?? null) : null,
      detail: event.detail ?? null,
      __typename: 'LiveEvent',
    };
    const out: Record<string, unknown> = {};
    for (const { key, name } of this.scalars) out[key] = values[name];
    for (const { key } of this.links) out[key] = answer.data?.[key] ?? null;
    const hidden = new Set(Object.values(HIDDEN));
    // GraphQLError instances: graphql-ws serialises each error through its toJSON.
    const errors = (answer.errors ?? [])
      .filter((e) => !(typeof e.path?.[0] === 'string' && hidden.has(e.path[0])))
      .map((e) => new GraphQLError(e.message, { path: e.path ? [this.rootKey, ...e.path] : [this.rootKey], extensions: e.extensions }));
    return { data: { [this.rootKey]: out }, ...(errors.length ? { errors } : {}), extensions };
  }
}
