/**
 * The composite cursor of a merged search: each region's position in its own result.
 *
 * Wire form: base64url of `{"v":1,"r":{"JS":"<region cursor>","GZ":null,"HB":false}}`.
 * A region's position is the cursor of the last edge taken from it (`null`: nothing
 * taken yet, start from its beginning; `false`: exhausted, do not ask it again). The
 * region cursors inside are opaque: each region decodes only its own.
 */

/** `string`: after this region cursor; `null`: from the start; `false`: nothing left. */
export type RegionPosition = string | null | false;
export type CompositePosition = Record<string, RegionPosition>;

const VERSION = 1;

export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

export function encodeCursor(position: CompositePosition): string {
  return Buffer.from(JSON.stringify({ v: VERSION, r: position }), 'utf8').toString('base64url');
}

/** Decodes an `after` argument; throws CursorError saying what was wrong with it. */
export function decodeCursor(cursor: string): CompositePosition {
  const expected = 'expected the endCursor (or an edge cursor) of a previous page of the same search';
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError(`${JSON.stringify(truncate(cursor))} is not a cursor this gateway issued; ${expected}`);
  }
  const body = parsed as { v?: unknown; r?: unknown };
  if (typeof body !== 'object' || body === null || body.v !== VERSION || typeof body.r !== 'object' || body.r === null || Array.isArray(body.r)) {
    throw new CursorError(`the cursor has an unknown layout (version ${JSON.stringify(body?.v)}); ${expected}`);
  }
  const position: CompositePosition = {};
  for (const [region, value] of Object.entries(body.r)) {
    if (value !== null && value !== false && typeof value !== 'string') {
      throw new CursorError(`the position of region ${region} is ${JSON.stringify(value)}; ${expected}`);
    }
    position[region] = value;
  }
  return position;
}

/** Every region at its start (the first page). */
export function startPosition(regions: readonly string[]): CompositePosition {
  return Object.fromEntries(regions.map((code) => [code, null]));
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
