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
