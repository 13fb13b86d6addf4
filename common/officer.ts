/**
 * Who asked and why, as every layer records it: the gateway's authenticated caller, the
 * internal token the regions verify, the gateway's audit record and the regions'
 * disclosure logs all carry these fields.
 */

/** An officer as authenticated: police number (`sub`), name, home region, roles. */
export interface Officer {
  sub: string;
  name: string;
  region: string;
  roles: string[];
}

/** The purpose an officer gave for a query (`X-Purpose`). */
export interface Purpose {
  code: string;
  text: string;
  /** A case reference (`JS:C-2026-000123`) when the purpose names one. */
  caseRef: string | null;
}
