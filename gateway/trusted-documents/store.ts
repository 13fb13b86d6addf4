/**
 * The registered documents currently in force, reloaded when the manifest file changes.
 * A reload that fails (unreadable, malformed, or a document the supergraph no longer
 * validates) is logged with its reason and the documents in force stay: a bad deploy of
 * the manifest must not take every client app down.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { readManifest, type TrustedDocument } from './manifest.ts';

export class DocumentStore {
  private documents: ReadonlyMap<string, TrustedDocument>;
  private schema: GraphQLSchema | null = null;

  /** Reads the manifest once (throws ManifestError naming what is wrong: the start stops). */
  constructor(
    private readonly file: string,
    private readonly logger: Logger,
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
      this.documents = readManifest(this.file, readFileSync(this.file, 'utf8'), this.schema);
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
