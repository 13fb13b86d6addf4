/**
 * Canonical JSON: the one byte-exact serialisation every hash in the audit chain is
 * computed over.
 *
 * Object keys are sorted by UTF-16 code unit, there is no whitespace, `undefined`
 * members are dropped and non-finite numbers are refused. Two writers (or a writer and
 * the verifier, years apart) therefore always produce the same bytes for the same
 * record, whatever order its fields were built in.
 */
import { createHash } from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function canonicalJson(value: unknown): string {
  return serialise(value, '$');
}

function serialise(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is ${value}; expected a finite number`);
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? serialiseArray(value, path) : serialiseObject(value as Record<string, unknown>, path);
    default:
      throw new TypeError(`canonicalJson: ${path} is a ${typeof value}; expected JSON data`);
  }
}

function serialiseArray(items: unknown[], path: string): string {
  return `[${items.map((item, i) => (item === undefined ? 'null' : serialise(item, `${path}[${i}]`))).join(',')}]`;
}

function serialiseObject(object: Record<string, unknown>, path: string): string {
  return joinMembers(members(object, path));
}

/** An object's members as canonical `"key":value` texts, in key order. */
function members(object: Record<string, unknown>, path: string): { key: string; text: string }[] {
  const keys = Object.keys(object).filter((key) => object[key] !== undefined).sort();
  return keys.map((key) => ({ key, text: `${JSON.stringify(key)}:${serialise(object[key], `${path}.${key}`)}` }));
}

function joinMembers(list: readonly { text: string }[]): string {
  let out = '{';
  for (let i = 0; i < list.length; i++) out += (i ? ',' : '') + list[i].text;
  return `${out}}`;
}

/**
 * Canonical JSON of `object`, then of `object` with one more string member whose value
 * is computed from the first text — what a hash chain writes (`hash` over the entry
 * without it) — serialising the object once rather than twice.
 */
export function canonicalWithDerived(object: Record<string, unknown>, key: string, derive: (text: string) => string): { text: string; value: string; withMember: string } {
  if (object[key] !== undefined) throw new TypeError(`canonicalWithDerived: $.${key} is already set`);
  const list = members(object, '$');
  const text = joinMembers(list);
  const value = derive(text);
  const at = list.findIndex((m) => m.key > key);
  const added = { key, text: `${JSON.stringify(key)}:${JSON.stringify(value)}` };
  const withMember = joinMembers(at < 0 ? [...list, added] : [...list.slice(0, at), added, ...list.slice(at)]);
  return { text, value, withMember };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
