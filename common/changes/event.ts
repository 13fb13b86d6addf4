/**
 * What a region says changed: the record and the global keys it touches. Adapters
 * produce change events (their change feeds), the regional subgraph publishes them and
 * the gateway's cache evicts by them, so the type lives on the common floor.
 */
export type EntityType = 'PersonRecord' | 'Case' | 'VehicleRecord' | 'WantedNotice' | 'VehicleAlert' | 'AssistanceRequest';

/**
 * What happened to a wanted notice or vehicle alert: put in force (`ISSUED`), edited
 * while in force (`CHANGED`), or no longer in force — caught, withdrawn, deactivated or
 * deleted (`LIFTED`). The regional subgraph derives it when it publishes the change
 * (subgraphs/changes/actions.ts), since only it can read the record as it is now.
 */
export type ChangeAction = 'ISSUED' | 'CHANGED' | 'LIFTED';

/**
 * What happened to an assistance request (協查): made, accepted, answered, declined — or
 * its deadline passed while it was still open (`OVERDUE`, which nobody writes: the
 * region's publisher notices it, subgraphs/changes/assistance.ts).
 */
export type AssistanceHappening = 'REQUESTED' | 'ACCEPTED' | 'ANSWERED' | 'DECLINED' | 'OVERDUE';

/**
 * For AssistanceRequest changes, as the publishing region read the request back: what
 * happened and who the parties are, so the gateway's live hub can hand the event to the
 * receiving region's duty desks and the requesting officer without asking anyone. The
 * request itself is only ever shown through `assistanceRequest(id)` under the
 * subscriber's own token.
 */
export interface AssistanceChange {
  happened: AssistanceHappening;
  fromRegion: string;
  /** Police number of the requesting officer. */
  requestedBy: string;
}

/** A change to one record, for cache freshness. */
export interface ChangeEvent {
  region: string;
  type: EntityType;
  id: string; // region-local id
  /** Global keys the change touches: normalised idNumbers and plates. */
  idNumbers: string[];
  plates: string[];
  at: string; // ISO date-time
  /** For WantedNotice and VehicleAlert changes, as published by the subgraph; absent otherwise. */
  action?: ChangeAction;
  /** For WantedNotice and VehicleAlert changes: the Liandong id (`REGION:local-id`) of the case behind the record, if any. */
  caseId?: string;
  /** For AssistanceRequest changes, as published by the subgraph; absent otherwise. */
  assistance?: AssistanceChange;
}
