/**
 * Trusted documents: the operations client apps ship, registered ahead of time. The
 * manifest is Apollo's `persisted-query-manifest.json` format:
 *
 * ```json
 * { "format": "apollo-persisted-query-manifest", "version": 1,
 *   "operations": [{ "id": "<sha256 hex of body>", "name": "PatrolCheck", "type": "query", "body": "query PatrolCheck…" }] }
 * ```
 *
 * A document's id is the SHA-256 of its text, so the gateway can tell a registered
 * document whether the client sends its id (`documentId: "sha256:<hex>"`, or Apollo's
 * `extensions.persistedQuery.sha256Hash`) or its full text (Apollo Server's `queryHash`
 * of that text is the same digest).
 *
 * Every document is parsed and validated against the supergraph when the manifest is
 * loaded: a document that no longer validates fails the load with a message naming it,
 * rather than failing each client request later.
 */
import { createHash } from 'node:crypto';
import { parse, validate, type GraphQLSchema, type OperationTypeNode } from 'graphql';

export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

export interface TrustedDocument {
  /** SHA-256 hex of `body`. */
  id: string;
  name: string | null;
  type: OperationTypeNode;
  body: string;
}

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`trusted documents ${file}: ${message}`);
    this.name = 'ManifestError';
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The documents of one manifest, by id. Throws ManifestError naming the first bad entry. */
export function readManifest(file: string, text: string, schema: GraphQLSchema | null): ReadonlyMap<string, TrustedDocument> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(file, `is not JSON (${(error as Error).message})`);
  }
  const manifest = json as { format?: unknown; version?: unknown; operations?: unknown };
  if (typeof manifest !== 'object' || manifest === null || manifest.format !== MANIFEST_FORMAT || manifest.version !== 1) {
    throw new ManifestError(file, `expected {"format": "${MANIFEST_FORMAT}", "version": 1, "operations": [...]}`);
  }
  if (!Array.isArray(manifest.operations)) throw new ManifestError(file, '"operations" must be an array');
  const documents = new Map<string, TrustedDocument>();
  manifest.operations.forEach((entry, i) => {
    const document = readEntry(file, entry, i, schema);
    if (documents.has(document.id)) throw new ManifestError(file, `operations[${i}]: id ${document.id} is listed twice`);
    documents.set(document.id, document);
  });
  return documents;
}

function readEntry(file: string, entry: unknown, i: number, schema: GraphQLSchema | null): TrustedDocument {
  const at = `operations[${i}]`;
  const e = entry as { id?: unknown; name?: unknown; type?: unknown; body?: unknown };
  if (typeof e !== 'object' || e === null || typeof e.id !== 'string' || typeof e.body !== 'string') {
    throw new ManifestError(file, `${at}: expected {"id", "name", "type", "body"} with string id and body`);
  }
  const id = e.id.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(id))
    throw new ManifestError(file, `${at}: id ${JSON.stringify(e.id.slice(0, 80))} is not a SHA-256 hex digest`);
  if (sha256Hex(e.body) !== id)
    throw new ManifestError(
      file,
      `${at} (${String(e.name ?? id)}): id is not the SHA-256 of its body; regenerate the manifest (npm run documents -- extract)`,
    );
  let operations;
  try {
    operations = parse(e.body).definitions.filter((d) => d.kind === 'OperationDefinition');
  } catch (error) {
    throw new ManifestError(file, `${at} (${String(e.name ?? id)}): does not parse: ${(error as Error).message}`);
  }
  if (operations.length !== 1)
    throw new ManifestError(
      file,
      `${at} (${String(e.name ?? id)}): holds ${operations.length} operations; a trusted document holds exactly one`,
    );
  if (schema) {
    const errors = validate(schema, parse(e.body));
    if (errors.length > 0) {
      throw new ManifestError(
        file,
        `${at} (${String(e.name ?? id)}): no longer valid against the supergraph: ${errors
          .map((x) => x.message)
          .slice(0, 3)
          .join('; ')}`,
      );
    }
  }
  const operation = operations[0] as { operation: OperationTypeNode; name?: { value: string } };
  return { id, name: operation.name?.value ?? null, type: operation.operation, body: e.body };
}
