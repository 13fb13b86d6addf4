/**
 * What the gateway tells the GraphiQL page about itself. Sent inside the page as a JSON
 * data block (`<script type="application/json">`, never executed, so the strict CSP
 * holds) and read by the app at start.
 */
export interface PageConfig {
  /** Where GraphQL is served (same origin). */
  graphqlPath: string;
  mode: 'development' | 'production';
  /** The dev-only endpoint listing demo tokens; null in production mode. */
  devTokensPath: string | null;
  /**
   * Development only: people, cases and vehicles that exist in the seeded demo data
   * (from the data directory's scenarios.json), which the saved examples open with.
   * Null in production, or when no demo data was found: the examples show placeholders.
   */
  demo: DemoValues | null;
  /** This page load's CSP nonce for style elements GraphiQL's menus add (page.ts); set per response. */
  styleNonce?: string;
}

/** Values of the demo data the saved examples are filled with (demo-values.ts reads them). */
export interface DemoValues {
  /** A person every region holds, by the 15-digit legacy number one region records them under. */
  personIdNumber: string;
  /** A name prefix that finds that person (`<surname>*`): the smallest person search. */
  personNamePrefix: string;
  /** The cross-region case: its lead is the demo investigator. */
  caseId: string;
  /** Police number of the officer leading that case. */
  caseLead: string;
  /** A vehicle of the case's suspect, registered in one region, with an alert in another. */
  plate: string;
}

export const PAGE_CONFIG_ELEMENT_ID = 'liandong-graphiql-config';

/**
 * Sent by the page's fetcher: the gateway then appends each field's authorisation
 * requirement to its description in introspection results (requirement-docs.ts).
 */
export const DOCS_HEADER = 'x-liandong-docs';
export const DOCS_HEADER_VALUE = 'requirements';

/** One demo officer's token, as the dev-token endpoint lists them. */
export interface DemoToken {
  role: string;
  sub: string;
  region: string;
  token: string;
}
