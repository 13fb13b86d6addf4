/** Verify a log kept in files (the default sink, or a region's disclosure log). */
import type { KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import type { CheckpointPolicy } from '../../common/log/checkpoint.ts';
import {
  checkpointFilePath,
  listSegments,
  operationsFilePath,
  readSegment,
  readSideFile,
  type LogLayout,
} from '../../common/log/log-files.ts';
import { verifyChain, type CheckpointSource, type VerifyReport } from './verify.ts';

export interface FileVerifyOptions extends LogLayout {
  /** Null: check the chain only (no checkpoints to check against). */
  publicKey: KeyObject | null;
  /** Witness logs to check against (a region's `witness.jsonl`: its witnessed-checkpoint entries are read). */
  witnessFiles?: string[];
  /** Witnessed checkpoints already fetched (e.g. from a region's `GET /audit/checkpoints`). */
  witnesses?: CheckpointSource[];
  /** See VerifyOptions. */
  instance?: string | null;
  fallbackPolicy?: CheckpointPolicy | null;
}

export function verifyFileLog(options: FileVerifyOptions): VerifyReport {
  // Checkpoints before segments, segments before texts: a live writer stores each before
  // the next (text → record → checkpoint), so reading in the reverse order never sees a
  // checkpoint beyond the entries read, or a record whose text is not read yet.
  const local: CheckpointSource = {
    location: basename(checkpointFilePath(options)),
    lines: readSideFile(checkpointFilePath(options)).lines,
    role: 'local',
  };
  const segments = listSegments(options).map((file) => ({ location: file.name, ...readSegment(file.path) }));
  const witnesses = [...(options.witnessFiles ?? []).map((path) => witnessFileSource(path)), ...(options.witnesses ?? [])];
  const operationsFile = operationsFilePath(options);
  return verifyChain(segments, [local, ...witnesses], options.publicKey, {
    instance: options.instance,
    fallbackPolicy: options.fallbackPolicy,
    operations: { location: basename(operationsFile), lines: readSideFile(operationsFile).lines },
  });
}

/** A region's witness log (`witness.jsonl`): its `witnessed-checkpoint` entries count; its own chain is checked with `verify --log` on it. */
export function witnessFileSource(path: string, location = path): CheckpointSource {
  return { location, lines: readSideFile(path).lines, role: 'witness' };
}
