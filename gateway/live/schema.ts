/**
 * The subscription root fields, contributed to the gateway's own subgraph so that they
 * compose into the supergraph (GraphiQL and introspection see them). @apollo/gateway
 * never executes them: gateway/live serves them over SSE and WebSocket, and resolves an
 * event's `person` / `vehicle` / `case` as an ordinary query (query-plan.ts).
 */
import { parse } from 'graphql';
import type { OwnSubgraphModule } from '../own-subgraph/module.ts';

const typeDefs = parse(`
  "What a live event says happened."
  enum LiveEventKind {
    "A wanted notice was issued, changed or lifted (select \`person { wantedNotices { status } }\` for its state now)."
    WANTED_NOTICE
    "A vehicle alert was issued, changed or lifted."
    VEHICLE_ALERT
    "Events after the client's Last-Event-ID may have been missed (the gateway restarted, or the id is older than its replay window): query again."
    GAP
    "The region's change stream is down: no events from it until REGION_RESTORED."
    REGION_UNAVAILABLE
    "The region's change stream is back; changes made meanwhile were not pushed. A \`watch\` then gets a CATCH_UP event per watched key the region may hold; a duty desk (\`alerts\`) gets only this event and queries again."
    REGION_RESTORED
    "After REGION_RESTORED: one watched key (\`idNumber\` or \`plate\`, with \`person\` / \`vehicle\`) as it is now, resolved and audited like any event."
    CATCH_UP
  }

  "What a WANTED_NOTICE or VEHICLE_ALERT event did to the notice or alert."
  enum LiveChange {
    "Put in force: a new notice or alert, or one lifted before and in force again."
    ISSUED
    "Edited while in force (its reason, case, kind…)."
    CHANGED
    "No longer in force: the person was caught, the notice withdrawn, the alert deactivated or deleted."
    LIFTED
  }

  "The kinds of record a duty desk follows."
  enum LiveAlertKind {
    WANTED_NOTICE
    VEHICLE_ALERT
  }

  "One pushed event. \`person\` and \`vehicle\` are resolved like a query, with the subscriber's permissions and purpose."
  type LiveEvent {
    "Monotonic per gateway; send it back as \`Last-Event-ID\` (SSE) or \`extensions.lastEventId\` to resume."
    id: ID!
    kind: LiveEventKind!
    "The region whose change this is (null for GAP)."
    region: String
    "When the region recorded the change, or when the gateway saw the status change (ISO 8601)."
    at: String!
    "The changed record's type and Liandong id (\`REGION:local-id\`), for WANTED_NOTICE and VEHICLE_ALERT."
    recordType: String
    recordId: ID
    "For WANTED_NOTICE and VEHICLE_ALERT: whether the notice or alert was issued, changed or lifted (as its region saw it when publishing the change)."
    change: LiveChange
    "The watched identity number (normalised) the change touches, if any."
    idNumber: String
    "The watched plate (normalised) the change touches, if any."
    plate: String
    "For GAP and region events: what happened, in words."
    detail: String
    "The person the change touches, across regions (null for events without one)."
    person: Person
    "The vehicle the change touches, across regions."
    vehicle: Vehicle
    "The case behind the notice or alert, if it has one — resolved like \`case(id:)\`, so it needs \`case:read\` (null with FORBIDDEN otherwise)."
    case: Case
  }

  type Person @key(fields: "idNumber", resolvable: false) {
    idNumber: String!
  }

  type Vehicle @key(fields: "plate", resolvable: false) {
    plate: String!
  }

  type Case @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Subscription {
    """
    An event each time a wanted notice or vehicle alert on one of these persons or
    vehicles is issued, changed or lifted, in any region. Identity numbers and plates are
    normalised like \`person(idNumber:)\` and \`vehicle(plate:)\`; at most
    \`live.maxWatchedKeys\` of them together.
    """
    watch(idNumbers: [String!], plates: [String!]): LiveEvent! @authenticated
    "Every wanted notice / vehicle alert change in these regions (default: all), for a duty desk."
    alerts(regions: [String!], kinds: [LiveAlertKind!]): LiveEvent! @authenticated
  }
`);

export function liveModule(): OwnSubgraphModule {
  return { typeDefs };
}
