/**
 * Turning a filter plan into this request's answer: which denials apply given the
 * variables, `null` where each denied field would have been, and one FORBIDDEN error
 * per place.
 *
 * Nulls follow GraphQL's own rules: a denied nullable field becomes null; a denied
 * non-null field makes the nearest nullable parent null (a nullable list element, or a
 * nullable field), up to `data` itself, exactly like a resolver error would.
 */
import { GraphQLError, isListType, isNonNullType, type GraphQLOutputType } from 'graphql';
import type { DeniedField } from '../context.ts';
import { HIDDEN_KEY, type Condition, type FilterPlan, type Frame, type PlannedDenial } from './filter.ts';

export const FORBIDDEN = 'FORBIDDEN';

type Variables = Readonly<Record<string, unknown>> | undefined;

/** The denials whose field this request would actually have asked (its @include/@skip hold). */
export function activeDenials(plan: FilterPlan, variables: Variables): PlannedDenial[] {
  const value = (c: Condition) =>
    typeof c.value === 'boolean' ? c.value : (variables?.[c.value.variable] ?? plan.variableDefaults[c.value.variable]) === true;
  return plan.denials.filter((d) => d.conditions.every((c) => (c.directive === 'include' ? value(c) : !value(c))));
}

/** The context's view: response keys without list indices. */
export function toDeniedFields(denials: PlannedDenial[]): DeniedField[] {
  return denials.map((d) => ({ path: d.frames.map((f) => f.key), coordinate: d.coordinate, missing: d.missing.join('; ') }));
}

export function forbiddenError(d: PlannedDenial, path: readonly (string | number)[]): GraphQLError {
  const missingText = d.missing.join('; ');
  const note = d.note ? ` Note: ${d.note}.` : '';
  return new GraphQLError(`Not authorised to see ${d.coordinate}: missing ${missingText}.${note}`, {
    path,
    extensions: { code: FORBIDDEN, coordinate: d.coordinate, missing: missingText, ...(d.reason ? { reason: d.reason } : {}) },
  });
}

/**
 * Writes the nulls into `data` (in place) and returns the errors, plus the data to send
 * (null when a non-null chain reached the root).
 */
export function applyDenials(
  data: Record<string, unknown> | null | undefined,
  denials: PlannedDenial[],
): { data: Record<string, unknown> | null | undefined; errors: GraphQLError[] } {
  const errors: GraphQLError[] = [];
  if (!data)
    return {
      data,
      errors: denials.map((d) =>
        forbiddenError(
          d,
          d.frames.map((f) => f.key),
        ),
      ),
    };
  const root = { data } as Record<string, unknown>;
  for (const denial of denials) {
    const before = errors.length;
    const bubble = bubbleDepth(denial.frames);
    forEachParent(root, ['data'], denial, (parentPath, ancestors) => {
      errors.push(forbiddenError(denial, [...parentPath.slice(1), denial.frames.at(-1)!.key]));
      writeNull(ancestors, bubble);
    });
    // Nowhere to put it (parent null or an empty list): still say it was withheld.
    if (errors.length === before)
      errors.push(
        forbiddenError(
          denial,
          denial.frames.map((f) => f.key),
        ),
      );
  }
  stripHidden(root.data);
  return { data: root.data as Record<string, unknown> | null, errors };
}

/**
 * Where the null goes: `frames.length - 1` for a nullable field; for a non-null one the
 * nearest nullable ancestor, as { frame index, element } where `element` means the list
 * element at that frame rather than the field. -1: `data` itself.
 */
function bubbleDepth(frames: Frame[]): { frame: number; element: boolean } {
  for (let i = frames.length - 1; i >= 0; i--) {
    if (i < frames.length - 1 && hasNullableElement(frames[i].type)) return { frame: i, element: true };
    if (!isNonNullType(frames[i].type)) return { frame: i, element: false };
  }
  return { frame: -1, element: false };
}

function hasNullableElement(type: GraphQLOutputType): boolean {
  const list = isNonNullType(type) ? type.ofType : type;
  return isListType(list) && !isNonNullType(list.ofType);
}

/** A slot in the response: the container and the key or index that holds a value. */
interface Slot {
  container: Record<string, unknown> | unknown[];
  key: string | number;
  frame: number;
}

/** Calls `visit` for every object that should hold the denied field and does not. */
function forEachParent(
  root: Record<string, unknown>,
  rootPath: (string | number)[],
  denial: PlannedDenial,
  visit: (path: (string | number)[], ancestors: Slot[]) => void,
): void {
  const keys = denial.frames.map((f) => f.key);
  const last = keys.length - 1;
  const walk = (value: unknown, path: (string | number)[], depth: number, ancestors: Slot[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i], depth, [...ancestors, { container: value, key: i, frame: depth - 1 }]));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    if (depth === last) {
      const applies = !denial.onTypes || denial.onTypes.includes(String(obj[HIDDEN_KEY]));
      if (applies && obj[keys[last]] === undefined) visit(path, [...ancestors, { container: obj, key: keys[last], frame: last }]);
      return;
    }
    const key = keys[depth];
    if (!(key in obj)) return;
    walk(obj[key], [...path, key], depth + 1, [...ancestors, { container: obj, key, frame: depth }]);
  };
  walk(root[rootPath[0] as string], rootPath, 0, [{ container: root, key: 'data', frame: -1 }]);
}

function writeNull(ancestors: Slot[], bubble: { frame: number; element: boolean }): void {
  // The slot for the field at frame f is the object slot; for its element, the array slot.
  const slot =
    bubble.frame === -1
      ? ancestors[0]
      : [...ancestors].reverse().find((s) => s.frame === bubble.frame && Array.isArray(s.container) === bubble.element);
  if (!slot) return;
  if (Array.isArray(slot.container)) slot.container[slot.key as number] = null;
  else (slot.container as Record<string, unknown>)[slot.key] = null;
}

/** Removes the filter's hidden `__typename` everywhere in the response. */
function stripHidden(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(stripHidden);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  delete obj[HIDDEN_KEY];
  Object.values(obj).forEach(stripHidden);
}
