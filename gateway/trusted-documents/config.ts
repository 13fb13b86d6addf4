/**
 * The `trustedDocuments` section of config/gateway.json.
 *
 * ```json
 * "trustedDocuments": {
 *   "manifest": "persisted-query-manifest.json",
 *   "freeText": { "roles": ["analyst"], "clients": ["analysis-workbench"] }
 * }
 * ```
 * With a `manifest`, callers may run only the documents it registers, except callers
 * holding one of `freeText.roles` or whose token names one of `freeText.clients` (its
 * `client` claim): they may still send any operation text. Without a manifest (the
 * default), every caller may send free text. The path is relative to the config file.
 */
import { resolve } from 'node:path';
import { type ConfigPath, array, object, onlyKeys, optional, string } from '../config/check.ts';
import { section } from '../config/section.ts';

export interface TrustedDocumentsConfig {
  /** Absolute path of the manifest; null: trusted documents are off (free text for all). */
  manifest: string | null;
  freeText: { roles: string[]; clients: string[] };
}

const NAME = { re: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, what: 'a role or client name (letters, digits, . _ : -)' };

export function validateTrustedDocumentsConfig(raw: unknown, at: ConfigPath, dir: string): TrustedDocumentsConfig {
  const obj = raw === undefined ? {} : object(raw, at);
  onlyKeys(obj, ['manifest', 'freeText'], at);
  const manifest = obj.manifest === undefined || obj.manifest === null ? null : resolve(dir, string(obj.manifest, at.key('manifest')));
  const freeTextAt = at.key('freeText');
  const freeText = obj.freeText === undefined ? {} : object(obj.freeText, freeTextAt);
  onlyKeys(freeText, ['roles', 'clients'], freeTextAt);
  const names = (key: 'roles' | 'clients', fallback: string[]) =>
    optional(freeText[key], fallback, (v) =>
      array(v, freeTextAt.key(key)).map((name, i) => string(name, freeTextAt.key(key).index(i), NAME)),
    );
  return { manifest, freeText: { roles: names('roles', ['analyst']), clients: names('clients', []) } };
}

export const trustedDocumentsSection = section({
  key: 'trustedDocuments',
  validate: (raw, at, context) => validateTrustedDocumentsConfig(raw, at, context.dir),
});
