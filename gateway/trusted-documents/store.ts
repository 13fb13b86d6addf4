/**
 * The registered documents currently in force, reloaded when the manifest file changes.
 * Loading does the whole preparation a request would otherwise do on first use: each
 * document is parsed, validated against the supergraph and authorisation-planned (the
 * authoriser's per-operation requirement analysis, handed in as a DocumentPreparer). A
 * reload that fails (unreadable, malformed, a document the supergraph no longer
 * validates or that cannot be planned) is logged with its reason naming the document,
 * and the documents in force, with their plans, stay: a bad deploy of the manifest must
 * not take every client app down.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { readManifest, type TrustedDocument } from './manifest.ts';

/** A registered document as the preparer sees it. */
export interface DocumentToPrepare {
  document: DocumentNode;
  operationName: string | null;
  /** Its id: Apollo Server's hash of its text, the key its requests arrive with. */
  queryHash: string;
  label: string;
}

/**
 * Plans registered documents ahead of their requests against the schema in force (the
 * gateway's authoriser): throws naming a document that cannot be planned, changing
 * nothing; else returns what puts the plans in force.
 */
export type DocumentPreparer = (documents: readonly DocumentToPrepare[]) => () => void;

export class DocumentStore {
  private documents: ReadonlyMap<string, TrustedDocument>;
  private schema: GraphQLSchema | null = null;

  /** Reads the manifest once (throws ManifestError naming what is wrong: the start stops). */
  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly prepare: DocumentPreparer | null = null,
    pollMs = 1000,
  ) {
    this.documents = readManifest(file, readFileSync(file, 'utf8'), null);
    watchFile(file, { interval: pollMs, persistent: false }, () => this.reload('the manifest file changed'));
  }

  get(id: string): TrustedDocument | undefined {
    return this.documents.get(id);
  }

  get size(): number {
    return this.documents.size;
  }

  /** The supergraph (re)loaded: the documents in force must validate against it. */
  schemaChanged(schema: GraphQLSchema): void {
    this.schema = schema;
    this.reload('the supergraph changed');
  }

  /** True when the new manifest is in force. */
  reload(why: string): boolean {
    try {
      const documents = readManifest(this.file, readFileSync(this.file, 'utf8'), this.schema);
      // Planned only against a loaded schema (at start the store is made before it is).
      const commit = this.schema && this.prepare ? this.prepare(toPrepare(this.file, documents)) : () => {};
      this.documents = documents;
      commit();
      this.logger.info({ documents: this.documents.size, why }, 'trusted documents loaded');
      return true;
    } catch (error) {
      this.logger.error(
        { err: (error as Error).message, kept: this.documents.size, why },
        'trusted documents not reloaded; the documents in force stay',
      );
      return false;
    }
  }

  close(): void {
    unwatchFile(this.file);
  }
}

function toPrepare(file: string, documents: ReadonlyMap<string, TrustedDocument>): DocumentToPrepare[] {
  return [...documents.values()].map((d) => {
    const document = parse(d.body);
    // A trusted document holds exactly one operation (manifest.ts): the one it runs.
    const operation = document.definitions.find((def) => def.kind === Kind.OPERATION_DEFINITION);
    return {
      document,
      operationName: operation?.name?.value ?? null,
      queryHash: d.id,
      label: `trusted documents ${file}: document ${d.name ?? '(unnamed)'} (sha256:${d.id})`,
    };
  });
}
