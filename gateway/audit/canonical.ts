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
  const keys = Object.keys(object).filter((key) => object[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${serialise(object[key], `${path}.${key}`)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
