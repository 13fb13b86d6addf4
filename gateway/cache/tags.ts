/**
 * Tags: how a change event finds the cache entries it makes stale.
 *
 * - `r:<REGION>`                   every entry of a region (flushed when its feed had a gap);
 * - `e:<REGION>:<Type>:<local id>` a routed entity (the record itself changed);
 * - `id:<idNumber>` / `plate:<plate>` a global key: index entries (Person / Vehicle) of
 *   every region, since a change to any record naming that person or plate can change
 *   what the index says about them.
 */
import type { ChangeEvent } from '../../common/changes/event.ts';

export const regionTag = (region: string) => `r:${region}`;
export const recordTag = (region: string, type: string, localId: string) => `e:${region}:${type}:${localId}`;
export const idNumberTag = (idNumber: string) => `id:${idNumber}`;
export const plateTag = (plate: string) => `plate:${plate}`;

/** The tags of every entry `event` may have made stale. */
export function tagsOfChange(event: ChangeEvent): string[] {
  return [recordTag(event.region, event.type, event.id), ...event.idNumbers.map(idNumberTag), ...event.plates.map(plateTag)];
}

const LIANDONG_ID = /^([A-Z]{2,8}):(.+)$/s;

/** `JS:C-2026-000123` → { region: 'JS', localId: 'C-2026-000123' }, or null. */
export function splitLiandongId(id: unknown): { region: string; localId: string } | null {
  const match = typeof id === 'string' ? LIANDONG_ID.exec(id) : null;
  return match ? { region: match[1], localId: match[2] } : null;
}
