/**
 * The saved example operations the page offers (and opens as its first tabs). Variables
 * hold sample values: replace them with an identity number, case id or plate from your
 * data (`npm start` prints ones that exist in the demo data).
 */
import { DEMO_CASE } from '../../auth/demo-case.ts';

export interface Example {
  title: string;
  /** Which X-Purpose suits it (the header editor is not changed; this is a hint). */
  purpose: string;
  /** Whose token it needs, when not any officer's: a case-bound example needs an officer assigned to the case. */
  officer?: string;
  query: string;
  variables: Record<string, unknown>;
}

export const EXAMPLES: readonly Example[] = [
  {
    title: 'Person across regions',
    purpose: 'patrol-check: …',
    query: `# One person, every region's record of them, linked by the normalised identity number.
# 15- and 18-digit numbers both work. extensions.regions in the response lists each region asked.
query CrossRegionPerson($idNumber: String!) {
  person(idNumber: $idNumber) {
    idNumber
    birthDate
    sex
    regions
    wanted
    records { id region name idNumberAsRecorded birthDate address phone }
    cases { role case { id region type status } }
    wantedNotices { id region status reason }
  }
}`,
    variables: { idNumber: '110101199003074477' },
  },
  {
    title: 'Case → suspects → vehicles',
    // The demo data's cross-region case (DEMO_CASE in gateway/auth/dev-key.ts): its lead is
    // npm start's demo investigator, so that token unlocks the parties' contact details.
    purpose: `investigation; case=${DEMO_CASE.caseId}`,
    officer: `${DEMO_CASE.lead} (npm start's investigator token), or another officer assigned to the case`,
    query: `# A case in one region, its parties (linked across regions), and their vehicles everywhere.
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
        records { region name address phone }
        vehicles { id region plate make model colour }
      }
    }
  }
}`,
    variables: { caseId: DEMO_CASE.caseId },
  },
  {
    title: 'Vehicle by plate',
    purpose: 'patrol-check: …',
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
    variables: { plate: '蘇A·12345' },
  },
  {
    title: 'Audit: who looked at this person',
    purpose: 'audit: …',
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
    variables: { idNumber: '110101199003074477' },
  },
];

/** The header editor's starting text: placeholders for the two headers every query needs. */
export const DEFAULT_HEADERS = JSON.stringify({
  Authorization: 'Bearer <paste a token: npm run token -- --sub ID --region JS --roles investigator>',
  'X-Purpose': 'patrol-check: <why you are looking>',
}, null, 2);

export function variablesText(example: Example): string {
  return JSON.stringify(example.variables, null, 2);
}
