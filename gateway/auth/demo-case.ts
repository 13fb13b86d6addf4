/**
 * The demo data's example case, as the seeded generator writes it: JS case 0, the
 * cross-region case of scenarios.json (standins/generator/scenarios.ts), led by the demo
 * investigator whose token `npm start` prints (DEMO_OFFICERS in dev-key.ts). Need-to-know
 * grants contact details only to officers assigned to the case named in X-Purpose, so the
 * examples (GraphiQL, npm start) name this case and this officer together; the generator's
 * tests check that the seeded data agrees. Kept apart from dev-key.ts so the browser
 * bundle imports no key handling.
 */
export const DEMO_CASE = {
  caseId: 'JS:C-2024-000001',
  lead: 'JS-0310552',
} as const;
