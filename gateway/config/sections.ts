/**
 * Every section of `config/gateway.json`, in one list.
 *
 * To add a concern's settings: write `export const fooSection = section({ key: 'foo',
 * validate })` in that concern's folder (e.g. gateway/auth/config.ts) and append it
 * here. `GatewayConfig` is derived from this list, so the new section is typed
 * everywhere at once, and a key no section claims is refused as a typo.
 * `mode` must stay first: the other validators read it.
 */
import { allowAnonymousSection, modeSection, regionsFileSection, serverSection } from './core.ts';
import type { ConfigSection } from './section.ts';
import { authSection } from '../auth/config.ts';
import { auditSection } from '../audit/config.ts';
import { cacheSection } from '../cache/config.ts';
import { authorisationSection } from '../authorisation/config.ts';
import { limitsSection } from '../limits/config.ts';
import { cursorsSection } from '../cursors/config.ts';
import { metricsSection } from '../metrics/config.ts';
import { trustedDocumentsSection } from '../trusted-documents/config.ts';
import { tracingSection } from '../tracing/config.ts';
import { filtersSection } from '../filters/config.ts';
import { liveSection } from '../live/config.ts';
import { executorSection } from '../federation/executor/config.ts';

export const SECTIONS = [
  modeSection,
  allowAnonymousSection,
  serverSection,
  regionsFileSection,
  authSection,
  authorisationSection,
  limitsSection,
  auditSection,
  cacheSection,
  cursorsSection,
  metricsSection,
  trustedDocumentsSection,
  tracingSection,
  filtersSection,
  liveSection,
  executorSection,
] as const;

type Sections = (typeof SECTIONS)[number];

export type GatewayConfig = {
  [S in Sections as S['key']]: S extends ConfigSection<string, infer T> ? T : never;
} & {
  /** Absolute path of the file the configuration was read from. */
  file: string;
};
