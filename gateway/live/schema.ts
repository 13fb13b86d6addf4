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
    CATCH_UP    "An assistance request was made, accepted, answered or declined (\`assistanceChange\`; select \`assistanceRequest\` for the request now)."
    ASSISTANCE_STATUS
    "An assistance request's deadline passed while it was still open. Published once per request by its receiving region."
    ASSISTANCE_OVERDUE
  }

  "What an ASSISTANCE_STATUS or ASSISTANCE_OVERDUE event says happened to the request."
  enum LiveAssistanceChange {
    "Made (PENDING at the receiving region)."
    REQUESTED
    ACCEPTED
    ANSWERED
    DECLINED
    "Its deadline passed while it was PENDING or ACCEPTED."
    OVERDUE
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

  "The kinds of event a duty desk follows."
  enum LiveAlertKind {
    WANTED_NOTICE
    VEHICLE_ALERT
    "Status changes of assistance requests the desk is party to (see \`alerts\`)."
    ASSISTANCE_STATUS
    "Assistance requests the desk is party to that became overdue (see \`alerts\`)."
    ASSISTANCE_OVERDUE
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
    case: Case    """
    For ASSISTANCE_ events: what happened to the request, as its region published it — only
    when the subscriber may read the request (\`assistanceRequest\` resolved), else null.
    """
    assistanceChange: LiveAssistanceChange
    """
    For ASSISTANCE_ events: the request as it is now, resolved like \`assistanceRequest(id:)\`
    (officers of the receiving and the requesting region; null with FORBIDDEN otherwise).
    """
    assistanceRequest: AssistanceRequest
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

  type AssistanceRequest @key(fields: "id", resolvable: false) {
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
    """
    Every change of these kinds (default: WANTED_NOTICE and VEHICLE_ALERT) in these regions
    (default: all), for a duty desk. The ASSISTANCE_ kinds bring only requests the
    subscriber is party to: those received by the subscriber's region (its duty desk) and
    those the subscriber made.
    """
    alerts(regions: [String!], kinds: [LiveAlertKind!]): LiveEvent! @authenticated
    """
    Status changes of assistance requests (ASSISTANCE_STATUS, ASSISTANCE_OVERDUE), and the
    REGION_ events. With \`ids\` (Liandong ids, at most \`live.maxWatchedKeys\`): those
    requests; each event shows the request only to officers its policy lets read it (null
    with FORBIDDEN otherwise). Without: the requests the subscriber made and those received
    by the subscriber's region. Needs \`assistance:request\` or \`assistance:answer\`.
    """
    assistanceUpdates(ids: [ID!]): LiveEvent! @authenticated @requiresScopes(scopes: [["assistance:request"], ["assistance:answer"]])
  }
`);

export function liveModule(): OwnSubgraphModule {
  return { typeDefs };
}
