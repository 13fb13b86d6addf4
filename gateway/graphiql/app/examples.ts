/**
 * The saved example operations the page offers (and opens as its first tabs).
 *
 * Each one must run as it opens, for the demo roles it names: its variables come from
 * the seeded demo data (the page config's `demo`, development mode only) and its
 * X-Purpose is one that suits it and that the gateway accepts — the case example names
 * the demo case, whose lead is the demo investigator, since contact details are shown
 * only to officers assigned to the named case. Without demo data (production) the
 * variables and the case reference are placeholders to replace, and the panel says so.
 * A field the example's roles may not see would come back FORBIDDEN, so each query
 * selects only what its roles hold scopes for (schema/policy.json).
 */
import type { DemoValues } from '../page-config.ts';

export interface Example {
  title: string;
  /** The demo roles (schema/policy.json roles, the dev-token panel's buttons) it runs for without errors. */
  roles: readonly string[];
  /** The X-Purpose the example's tab opens with. */
  purpose: string;
  /** Whose token, when a role is not enough (a case-bound example needs an officer assigned to the case). */
  officer?: string;
  query: string;
  variables: Record<string, unknown>;
}

/** What production shows instead of demo values: what to put there, in the variable's own words. */
export const PLACEHOLDERS: Readonly<DemoValues> = {
  personIdNumber: '<identity number, 15 or 18 digits>',
  personNamePrefix: '<name or name prefix, e.g. 張*>',
  caseId: '<case id, REGION:local id, e.g. JS:C-2024-000123>',
  caseLead: '<an officer assigned to the case>',
  plate: '<plate as printed, e.g. 蘇A12345>',
};

/** Shown beside the examples when they hold placeholders. */
export const PLACEHOLDER_HINT =
  'The examples hold placeholders (<…>): replace them in Variables (and the case id in the X-Purpose header) with an identity number, case or plate from your data.';

export function examples(demo: DemoValues | null): Example[] {
  // The tab shows the query, not the panel: its first line says whose token runs it.
  return examplesOf(demo).map((e) => ({
    ...e,
    query: `# For: ${e.roles.join(', ')} (the token's role; development: pick it under "Demo tokens").\n${e.query}`,
  }));
}

function examplesOf(demo: DemoValues | null): Example[] {
  const v = demo ?? PLACEHOLDERS;
  return [
    {
      title: 'Person across regions',
      roles: ['patrol-officer', 'investigator', 'admin'],
      purpose: 'patrol-check: who is this person',
      query: `# One person, every region's record of them, linked by the normalised identity number.
# 15- and 18-digit numbers both work. extensions.regions in the response lists each region asked.
# Contact details (address, phone) need an investigator assigned to a case (and, in another region, an answered assistance request).
query CrossRegionPerson($idNumber: String!) {
  person(idNumber: $idNumber) {
    idNumber
    birthDate
    sex
    regions
    wanted
    records { id region name idNumberAsRecorded birthDate }
    vehicles { id region plate make model colour }
    wantedNotices { id region status reason }
  }
}`,
      variables: { idNumber: v.personIdNumber },
    },
    {
      title: 'Case → suspects → vehicles',
      roles: ['investigator'],
      purpose: `investigation; case=${v.caseId}`,
      officer: demo ? `${v.caseLead} (the investigator demo token) leads this case` : 'an officer assigned to the case',
      query: `# A case in one region, its parties (linked across regions), and their vehicles everywhere.
# Every region's records of each party; their contact details (address, phone) need X-Purpose naming
# this case, an officer assigned to it, and — for another region's records — an answered
# assistance request (requestAssistance, docs/assistance.md), so they are not selected here.
query CaseSuspectsVehicles($caseId: ID!) {
  case(id: $caseId) {
    id
    caseNumber
    type
    status
    place
    summary
    parties {
      role
      nameAsRecorded
      person {
        idNumber
        regions
        records { id region name }
        vehicles { id region plate make model colour }
      }
    }
  }
}`,
      variables: { caseId: v.caseId },
    },
    {
      title: 'Request assistance (協查)',
      roles: ['investigator'],
      purpose: `assistance-request; case=${v.caseId}`,
      officer: demo ? `${v.caseLead} (the investigator demo token) leads this case` : 'an officer assigned to the case',
      query: `# Ask another region (here GZ) for help on a case of your own region: the request is written into
# GZ's own system and gets a GZ id, a deadline from the urgency and its history (docs/assistance.md).
# Run it again: the same idempotencyKey returns the same request, never a second one.
# GZ's officers answer with answerAssistance; then the answered records' contact details are yours for this case.
mutation RequestAssistance($caseId: ID!, $idNumber: String!, $idempotencyKey: String!) {
  requestAssistance(input: {
    case: $caseId
    toRegion: "GZ"
    subjects: [$idNumber]
    ask: [PERSON_RECORDS, CONTACT_DETAILS]
    urgency: NORMAL
    note: "請協查此人的聯系方式"
    idempotencyKey: $idempotencyKey
  }) {
    id
    region
    status
    deadline
    overdue
    history { at status by }
  }
}`,
      variables: {
        caseId: v.caseId,
        idNumber: v.personIdNumber,
        idempotencyKey: demo ? 'graphiql-demo-request-1' : '<a key of your own, the same on every retry of this request, e.g. a UUID>',
      },
    },
    {
      title: 'Follow my assistance requests (live)',
      roles: ['investigator'],
      purpose: `assistance-request; case=${v.caseId}`,
      officer: demo ? `${v.caseLead} (the investigator demo token) leads this case` : 'an officer assigned to the case',
      query: `# A stream (Run, then make or answer a request in another tab): an event each time a request you made,
# or one addressed to your region, is made, accepted, answered or declined, or passes its deadline
# (ASSISTANCE_OVERDUE). Each event is resolved like assistanceRequest(id) with your token and purpose,
# and audited (docs/assistance.md "Live"). assistanceUpdates(ids: ["GZ:XC…"]) follows those requests only.
subscription MyAssistanceRequests {
  assistanceUpdates {
    id
    kind
    at
    assistanceChange
    assistanceRequest { id region status deadline overdue history { at status by note } }
  }
}`,
      variables: {},
    },
    {
      title: 'Vehicle by plate',
      roles: ['patrol-officer', 'analyst'],
      purpose: 'patrol-check: roadside vehicle check',
      query: `# A vehicle by plate as printed (full-width, separators, lower case all accepted).
query VehicleByPlate($plate: String!) {
  vehicle(plate: $plate) {
    plate
    regions
    alerted
    records { id region plateAsRecorded vin make model colour energy owner { idNumber } }
    alerts { id region kind active issuedAt }
  }
}`,
      variables: { plate: v.plate },
    },
    {
      title: 'Search persons by name',
      roles: ['analyst', 'patrol-officer', 'investigator'],
      purpose: 'analysis: persons by name prefix',
      query: `# The smallest person search: one filter field, here a name prefix. An empty filter is refused.
# Page on with after: pageInfo.endCursor (cursors are sealed to you and this filter).
query SearchPersonsByName($name: String!) {
  searchPersons(filter: { name: $name }, first: 10) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { idNumber regions records { region name birthDate } } }
  }
}`,
      variables: { name: v.personNamePrefix },
    },
    {
      title: 'Audit: who looked at this person',
      roles: ['auditor'],
      purpose: 'audit: review of access to a person',
      query: `# Auditors (scope audit:read): every officer whose responses contained the person, and the records.
query WhoLookedAtPerson($idNumber: String!) {
  auditAccessors(filter: { personIdNumber: $idNumber }) {
    officer { sub name region roles }
    accesses
    firstAt
    lastAt
  }
  auditRecords(filter: { personIdNumber: $idNumber }, first: 20) {
    edges {
      node { auditId at officer { sub name } purpose { code text caseRef } operationName outcome fieldsDenied }
    }
  }
}`,
      variables: { idNumber: v.personIdNumber },
    },
    {
      title: "Work HB's assistance inbox (HB officer)",
      roles: ['investigator'],
      purpose: `assistance-request; case=${v.caseId}`,
      officer: demo ? 'HB-4200001 (the hb-investigator demo token), an officer of HB' : 'an officer of the receiving region',
      query: `# An HB officer works HB's inbox through the graph (development: the hb-investigator token). First ask HB:
# run "Request assistance (協查)" as the JS investigator with toRegion: "HB" (HB's intake takes it in within seconds).
# Run Inbox, put the request's id in Variables, run Subject for the HB: record ids to answer with, then Accept and Answer.
# Each step is a file in HB's drop folder that HB's system takes in on its next turn (docs/assistance.md): until then
# the request is shown as submitted, and awaiting lists what HB has not taken in yet (an awaiting answer grants nothing).
query Inbox {
  assistanceInbox(status: PENDING) { id case fromRegion requestedBy subjects ask urgency deadline overdue awaiting }
}

query Subject($idNumber: String!) {
  person(idNumber: $idNumber) { records { id region name } }
}

mutation Accept($id: ID!) {
  acceptAssistance(id: $id) { id status awaiting history { at status by note } }
}

mutation Answer($id: ID!, $records: [ID!]!) {
  answerAssistance(id: $id, answer: { note: "已查實", records: $records }) {
    id
    status
    answeredRecords
    awaiting
    history { at status by note }
  }
}`,
      variables: {
        idNumber: v.personIdNumber,
        id: '<the HB:XQ… id from Inbox>',
        records: ['<an HB: record id from Subject>'],
      },
    },
  ];
}

/** Where the header editor's token goes until one is pasted or picked. */
export function tokenPlaceholder(development: boolean): string {
  return development ? 'Bearer <pick a demo role in "Demo tokens" on the left>' : 'Bearer <paste a token from your identity provider>';
}

/** An example tab's starting headers: a token placeholder and the example's purpose. */
export function headersText(example: Example, development: boolean): string {
  return JSON.stringify({ Authorization: tokenPlaceholder(development), 'X-Purpose': example.purpose }, null, 2);
}

export function variablesText(example: Example): string {
  return JSON.stringify(example.variables, null, 2);
}

/**
 * The headers with the example's X-Purpose in place of any other, keeping the rest (the
 * token already picked or pasted). Unparsable headers are replaced by the example's own.
 */
export function withPurpose(headers: string, example: Example, development: boolean): string {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(headers || '{}') as Record<string, unknown>;
  } catch {
    return headersText(example, development);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return headersText(example, development);
  for (const name of Object.keys(parsed)) if (name.toLowerCase() === 'x-purpose') delete parsed[name];
  if (!Object.keys(parsed).some((name) => name.toLowerCase() === 'authorization')) parsed.Authorization = tokenPlaceholder(development);
  return JSON.stringify({ ...parsed, 'X-Purpose': example.purpose }, null, 2);
}
