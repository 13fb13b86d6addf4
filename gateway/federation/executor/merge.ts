/**
 * Merging one fetch's answer into the response, in place, as the answer arrives: the
 * rule of @apollo/gateway's deepMerge (objects merge key by key, equal-length arrays
 * element by element, anything else replaces), so both executors build the same data.
 */

type Obj = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

function isObject(value: unknown): value is Obj {
  return value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function mergeInto(target: Obj, source: unknown): Obj {
  if (source === undefined || source === null) return target;
  const from = source as Obj;
  const keys = Object.keys(from);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const value = from[key];
    if (value === undefined) continue;
    let existing = target[key];
    // An inherited key (`constructor`, `__proto__` …) must become the object's own, not
    // the prototype's; only such a key reads as defined without being own.
    if (existing !== undefined && !hasOwn.call(target, key)) {
      Object.defineProperty(target, key, { configurable: true, enumerable: true, value: undefined, writable: true });
      existing = undefined;
    }
    if (existing && isObject(value)) {
      mergeInto(existing as Obj, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i++) {
        const element = value[i];
        if (isObject(existing[i]) && isObject(element)) mergeInto(existing[i] as Obj, element);
        else existing[i] = element;
      }
    } else {
      target[key] = value;
    }
  }
  return target;
}
