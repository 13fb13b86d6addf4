/**
 * The composite position of a merged search: each region's position in its own result.
 *
 * `{"JS":"<region cursor>","GZ":null,"HB":false}` — a region's position is the cursor of
 * the last edge taken from it (`null`: nothing taken yet, start from its beginning;
 * `false`: exhausted, do not ask it again). The region cursors inside are opaque: each
 * region decodes only its own.
 *
 * Clients never see this layout: it travels sealed (encrypted, authenticated, bound to
 * the caller and the search, expiring) — see sealed-cursor.ts. Region cursors hold
 * identity numbers and local record ids, so a readable composite cursor would disclose
 * them to whoever holds it.
 *
 * It lives here, beside the sealer that checks it, rather than in federation/merge (which
 * produces it): so cursors/ imports nothing of federation/, and federation → cursors runs
 * one way.
 */

/** `string`: after this region cursor; `null`: from the start; `false`: nothing left. */
export type RegionPosition = string | null | false;
export type CompositePosition = Record<string, RegionPosition>;

/** Why an `after` cursor was refused (stable: sent to clients as `extensions.reason`). */
export type CursorProblem = 'malformed' | 'tampered' | 'expired' | 'other-caller' | 'other-search';

export class CursorError extends Error {
  constructor(
    readonly reason: CursorProblem,
    message: string,
  ) {
    super(message);
    this.name = 'CursorError';
  }
}

/** Checks the layout of a position read back from an opened cursor. */
export function positionFrom(value: unknown): CompositePosition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CursorError('malformed', `the cursor holds no region positions (got ${typeof value})`);
  }
  const position: CompositePosition = {};
  for (const [region, at] of Object.entries(value)) {
    if (at !== null && at !== false && typeof at !== 'string') {
      throw new CursorError(
        'malformed',
        `the cursor's position for region ${region} is a ${typeof at}; expected a region cursor, null or false`,
      );
    }
    position[region] = at;
  }
  return position;
}

/** Every region at its start (the first page). */
export function startPosition(regions: readonly string[]): CompositePosition {
  return Object.fromEntries(regions.map((code) => [code, null]));
}
