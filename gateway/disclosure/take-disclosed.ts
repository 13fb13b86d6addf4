/**
 * Reads the hidden keys (hidden-keys.ts) out of an executed answer and removes them, in
 * place, in one pass: what is left is exactly the answer to the client's operation, and
 * what was read names every data subject whose data is in it.
 *
 * In place because the executor's answer is built fresh for each request (the response
 * cache stores and hands back serialised copies), so no one else holds it.
 */
import { GraphQLError } from 'graphql';
import { addSubject, newFoundSubjects, sortedSubjects, type FoundSubjects, type Subjects } from '../../common/audit/subjects.ts';
import type { HiddenKeys } from './hidden-keys.ts';

export function takeDisclosed(data: Record<string, unknown> | null | undefined, hidden: HiddenKeys): Subjects {
  const found = newFoundSubjects();
  // An operation that selects no data-subject type carries no hidden key: nothing to walk.
  if (data && hidden.aliases.size > 0) take(data, hidden.aliases, found);
  return sortedSubjects(found);
}

function take(value: unknown, aliases: HiddenKeys['aliases'], found: FoundSubjects): void {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') take(item, aliases, found);
    return;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    const kind = aliases.get(key);
    const child = object[key];
    if (kind !== undefined) {
      addSubject(found, kind, child);
      delete object[key];
    } else if (child !== null && typeof child === 'object') {
      take(child, aliases, found);
    }
  }
}

/**
 * An error at a hidden key's path (a region failing on a key field) is reported at the
 * object that holds it: the client never asked for, and never sees, the hidden field.
 */
export function withoutHiddenPaths(errors: readonly GraphQLError[], hidden: HiddenKeys): readonly GraphQLError[] {
  if (!errors.some((e) => hiddenAt(e.path, hidden) >= 0)) return errors;
  return errors.map((error) => {
    const at = hiddenAt(error.path, hidden);
    if (at < 0) return error;
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path!.slice(0, at),
      originalError: error.originalError,
      extensions: error.extensions,
    });
  });
}

function hiddenAt(path: readonly (string | number)[] | undefined, hidden: HiddenKeys): number {
  return path ? path.findIndex((segment) => typeof segment === 'string' && hidden.aliases.has(segment)) : -1;
}
