/**
 * A region's code table read backwards: the region's code for a contract value, for the
 * write side (a request going into the region's system in its own codes). Tables map
 * code → value one to one, so the first match is the only one.
 */
export function regionCodeFor<T extends string>(table: Readonly<Record<string, T>>, value: T): string {
  const found = Object.entries(table).find(([, v]) => v === value);
  if (!found) throw new Error(`no region code for ${JSON.stringify(value)} (the table knows ${Object.values(table).join(', ')})`);
  return found[0];
}
