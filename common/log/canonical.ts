/**
 * Canonical JSON: the one byte-exact serialisation every hash in the audit chain is
 * computed over.
 *
 * Object keys are sorted by UTF-16 code unit, there is no whitespace, `undefined`
 * members are dropped and non-finite numbers are refused. Two writers (or a writer and
 * the verifier, years apart) therefore always produce the same bytes for the same
 * record, whatever order its fields were built in.
 *
 * Every audited request is serialised here, so the writer is a plain loop that tracks
 * no path: only when a value turns out not to be JSON is the value walked again to name
 * where (`$.variables.n is NaN`).
 */
import { createHash } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function canonicalJson(value: unknown): string {
  try {
    return write(value);
  } catch (error) {
    throw error === NOT_JSON ? notJsonError(value) : error;
  }
}

/**
 * Canonical JSON of `object`, then of `object` with one more string member whose value
 * is computed from the first text — what a hash chain writes (`hash` over the entry
 * without it) — serialising the object once rather than twice.
 */
export function canonicalWithDerived(
  object: Record<string, unknown>,
  key: string,
  derive: (text: string) => string,
): { text: string; value: string; withMember: string } {
  if (object[key] !== undefined) throw new TypeError(`canonicalWithDerived: $.${key} is already set`);
  let list: { key: string; text: string }[];
  try {
    list = members(object);
  } catch (error) {
    throw error === NOT_JSON ? notJsonError(object) : error;
  }
  const text = joinMembers(list);
  const value = derive(text);
  const at = list.findIndex((m) => m.key > key);
  const added = { key, text: `${quoted(key)}:${JSON.stringify(value)}` };
  const withMember = joinMembers(at < 0 ? [...list, added] : [...list.slice(0, at), added, ...list.slice(at)]);
  return { text, value, withMember };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Thrown (and caught above) on the fast path; the message is made by `notJsonError`. */
const NOT_JSON = Symbol('not JSON');

function write(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw NOT_JSON;
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? writeArray(value) : joinMembers(members(value as Record<string, unknown>));
    default:
      throw NOT_JSON;
  }
}

function writeArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += (i ? ',' : '') + (items[i] === undefined ? 'null' : write(items[i]));
  return `${out}]`;
}

/** An object's members as canonical `"key":value` texts, in key order. */
function members(object: Record<string, unknown>): { key: string; text: string }[] {
  const keys = Object.keys(object);
  if (!sorted(keys)) keys.sort();
  const list: { key: string; text: string }[] = [];
  for (const key of keys) {
    const value = object[key];
    if (value !== undefined) list.push({ key, text: `${quoted(key)}:${write(value)}` });
  }
  return list;
}

function joinMembers(list: readonly { text: string }[]): string {
  let out = '{';
  for (let i = 0; i < list.length; i++) out += (i ? ',' : '') + list[i].text;
  return `${out}}`;
}

/** Records are built with their keys in order; checking is cheaper than sorting. */
function sorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/** Quoted keys, kept for the few hundred names records use (bounded: variables bring their own). */
const QUOTED = new Map<string, string>();
const MAX_QUOTED = 1000;

function quoted(key: string): string {
  let text = QUOTED.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (QUOTED.size < MAX_QUOTED) QUOTED.set(key, text);
  }
  return text;
}

/** The refusal naming the first value that is not JSON, by its path from `$`. */
function notJsonError(root: unknown): TypeError {
  const find = (value: unknown, path: string): string | null => {
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return null;
    if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} is ${value}; expected a finite number`;
    if (typeof value !== 'object') return `${path} is a ${typeof value}; expected JSON data`;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const found = value[i] === undefined ? null : find(value[i], `${path}[${i}]`);
        if (found) return found;
      }
      return null;
    }
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      const found = member === undefined ? null : find(member, `${path}.${key}`);
      if (found) return found;
    }
    return null;
  };
  return new TypeError(`canonicalJson: ${find(root, '$') ?? '$ is not JSON data'}`);
}
