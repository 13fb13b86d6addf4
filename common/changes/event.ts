/**
 * What a region says changed: the record and the global keys it touches. Adapters
 * produce change events (their change feeds), the regional subgraph publishes them and
 * the gateway's cache evicts by them, so the type lives on the common floor.
 */
export type EntityType = 'PersonRecord' | 'Case' | 'VehicleRecord' | 'WantedNotice' | 'VehicleAlert';

/** A change to one record, for cache freshness. */
export interface ChangeEvent {
  region: string;
  type: EntityType;
  id: string; // region-local id
  /** Global keys the change touches: normalised idNumbers and plates. */
  idNumbers: string[];
  plates: string[];
  at: string; // ISO date-time
}
