/**
 * The region's record of a write, fail closed: a mutation resolver calls `recordWrite`
 * (put in the context by the disclosure plugin) with what it is about to write, and
 * writes only once that entry is durable. After the operation, the plugin records its
 * outcome (written, refused, failed) — refused and failed writes included, so the region's
 * log says every write that was attempted, by whom, and what became of it.
 */
import { GraphQLError } from 'graphql';
import { AUDIT_UNAVAILABLE } from '../../common/log/errors.ts';
import type { SubgraphContext } from '../context.ts';

export interface WriteIntent {
  /** The mutation (`requestAssistance`, `answerAssistance`, …). */
  action: string;
  /** The request acted on (`GZ:AR-…`), null for a new one. */
  request: string | null;
  /** Identity numbers the write is about. */
  subjects: string[];
  /** What is written (the checked input), for the auditor. */
  detail: Record<string, unknown>;
}

export type RecordWrite = (intent: WriteIntent) => Promise<void>;

/** The context field the disclosure plugin fills. */
export const RECORD_WRITE = 'recordWrite';

/** Records the intent, or refuses the write (no log, or the log cannot be written). */
export async function recordWriteIntent(ctx: SubgraphContext, intent: WriteIntent): Promise<void> {
  const record = ctx[RECORD_WRITE] as RecordWrite | undefined;
  const refuse = () =>
    new GraphQLError('The region could not record this write in its disclosure log, so nothing was written. Try again later.', {
      extensions: { code: AUDIT_UNAVAILABLE, region: ctx.region },
    });
  if (!record) throw refuse();
  try {
    await record(intent);
  } catch {
    // The log raised its own alert; the client learns only that nothing was written.
    throw refuse();
  }
}
