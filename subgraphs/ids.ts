/**
 * Liandong ids of region-owned records: `REGION:localId` (e.g. `JS:C-2026-000123`).
 *
 * The prefix is what lets the gateway route a records fetch to the one region that owns
 * it; the subgraph strips it before asking its adapter, which knows local ids only.
 */
import { quoteInput } from '../common/normalise/index.ts';
import { badUserInput } from './errors.ts';

export interface LiandongId {
  region: string;
  localId: string;
}

const MAX_LOCAL_ID = 128;
const REGION_CODE = /^[A-Z]{2,3}$/;

/** `JS` + `C-1` → `JS:C-1`. */
export function liandongId(region: string, localId: string): string {
  return `${region}:${localId}`;
}

/** Parse an id as sent by a client or the gateway, or throw BAD_USER_INPUT naming the problem. */
export function parseLiandongId(id: unknown, field = 'id'): LiandongId {
  const text = typeof id === 'string' ? id.trim() : '';
  const colon = text.indexOf(':');
  const region = text.slice(0, Math.max(colon, 0)).toUpperCase();
  const localId = text.slice(colon + 1);
  if (colon < 0 || !REGION_CODE.test(region) || localId.length === 0 || localId.length > MAX_LOCAL_ID) {
    throw badUserInput(
      field,
      'format',
      `${field} ${quoteInput(id)}: expected REGION:local-id with a 2–3 letter region code, e.g. "JS:C-2026-000123"`,
    );
  }
  return { region, localId };
}

/** The local id when `id` belongs to `region`, null when another region owns it. */
export function localIdIn(region: string, id: unknown, field = 'id'): string | null {
  const parsed = parseLiandongId(id, field);
  return parsed.region === region ? parsed.localId : null;
}

export function isRegionCode(code: string): boolean {
  return REGION_CODE.test(code);
}
