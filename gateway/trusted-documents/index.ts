/**
 * Trusted documents (persisted operations), one concern: client apps in production run
 * only the operations registered in the manifest (manifest.ts); callers with a free-text
 * role or client (config.ts) may still send any text.
 *
 * - `resolveParameters` runs in the HTTP layer before Apollo Server: a request that names
 *   a document (`documentId: "sha256:<hex>"`, or Apollo's
 *   `extensions.persistedQuery.sha256Hash` without a query) gets its registered text; an
 *   unknown id is refused 400 TRUSTED_DOCUMENT_NOT_FOUND naming the id (and audited by
 *   the HTTP layer, as every refusal there is).
 * - `plugin` decides, once the caller is known, whether the text may run: a registered
 *   text (its SHA-256 is a document id) always; free text only for the roles and clients
 *   configured, else 400 TRUSTED_DOCUMENT_REQUIRED. It also notes the document id on the
 *   context, so the audit record carries it.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { HttpError } from '../../common/http/respond.ts';
import type { Logger } from 'pino';
import type { TrustedDocumentsConfig } from './config.ts';
import { DocumentStore, type DocumentPreparer } from './store.ts';

export const TRUSTED_DOCUMENT_NOT_FOUND = 'TRUSTED_DOCUMENT_NOT_FOUND';
export const TRUSTED_DOCUMENT_REQUIRED = 'TRUSTED_DOCUMENT_REQUIRED';
export const TRUSTED_DOCUMENT_ID = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

export interface TrustedDocuments {
  /** The request's parameters with a named document's text filled in; throws HttpError for an unknown id. */
  resolveParameters(params: Record<string, unknown>): Record<string, unknown>;
  plugin: ApolloServerPlugin<GatewayContext>;
  close(): void;
}

/** Null when the config names no manifest: every caller may send free text, as before. */
/** `prepare` plans each registered document at load (the authoriser's; see store.ts). */
export function createTrustedDocuments(
  config: TrustedDocumentsConfig,
  logger: Logger,
  prepare: DocumentPreparer | null = null,
): TrustedDocuments | null {
  if (!config.manifest) return null;
  const store = new DocumentStore(config.manifest, logger, prepare);
  logger.info(
    { manifest: config.manifest, documents: store.size },
    'trusted documents in force: free text only for the configured roles and clients',
  );
  return {
    resolveParameters: (params) => resolveParameters(store, params),
    plugin: enforcement(store, config),
    close: () => store.close(),
  };
}

function resolveParameters(store: DocumentStore, params: Record<string, unknown>): Record<string, unknown> {
  const id = requestedDocumentId(params);
  if (id === null) return params;
  const document = store.get(id.toLowerCase());
  if (!document) {
    throw new HttpError(
      400,
      TRUSTED_DOCUMENT_NOT_FOUND,
      `Document sha256:${id.toLowerCase()} is not registered with this gateway; register it in the trusted documents manifest (npm run documents -- extract) or send the operation text if your role allows it.`,
    );
  }
  const { documentId: _documentId, extensions, ...rest } = params;
  // Apollo Server would treat a persistedQuery extension as an automatic persisted query
  // and keep its own cache of texts; the manifest is the only source of texts here.
  const { persistedQuery: _persisted, ...otherExtensions } = (extensions ?? {}) as Record<string, unknown>;
  return { ...rest, query: document.body, ...(Object.keys(otherExtensions).length ? { extensions: otherExtensions } : {}) };
}

/** The id a request names instead of sending a text; null when it sends a text (or nothing). */
function requestedDocumentId(params: Record<string, unknown>): string | null {
  if (typeof params.query === 'string' && params.query !== '') return null;
  const persisted = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  const named = params.documentId ?? persisted?.sha256Hash;
  if (named === undefined || named === null) return null;
  const match = typeof named === 'string' ? TRUSTED_DOCUMENT_ID.exec(named) : null;
  if (!match)
    throw new HttpError(
      400,
      TRUSTED_DOCUMENT_NOT_FOUND,
      `documentId must be "sha256:<64 hex digits>", got ${JSON.stringify(String(named).slice(0, 80))}.`,
    );
  return match[1];
}

function enforcement(store: DocumentStore, config: TrustedDocumentsConfig): ApolloServerPlugin<GatewayContext> {
  const freeTextRoles = new Set(config.freeText.roles);
  const freeTextClients = new Set(config.freeText.clients);
  return {
    async serverWillStart() {
      return { schemaDidLoadOrUpdate: ({ apiSchema }) => store.schemaChanged(apiSchema) };
    },
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const document = rc.queryHash ? store.get(rc.queryHash) : undefined;
          if (document) {
            rc.contextValue.trustedDocumentId = `sha256:${document.id}`;
            return;
          }
          const caller = rc.contextValue.caller;
          if (caller && (caller.roles.some((r) => freeTextRoles.has(r)) || (caller.client && freeTextClients.has(caller.client)))) return;
          throw new GraphQLError(
            `This operation (sha256:${rc.queryHash}) is not a registered document, and free text is allowed only for the roles ${[...freeTextRoles].join(', ') || '(none)'}${freeTextClients.size ? ` and the clients ${[...freeTextClients].join(', ')}` : ''}. Register it in the trusted documents manifest and send its documentId.`,
            { extensions: { code: TRUSTED_DOCUMENT_REQUIRED, documentId: `sha256:${rc.queryHash}`, http: { status: 400 } } },
          );
        },
      };
    },
  };
}
