/** Verify a log kept in files (the default sink, or a region's disclosure log). */
import type { KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import { checkpointFilePath, listSegments, readSegment, readSideFile, type LogLayout } from './log-files.ts';
import { verifyChain, type CheckpointSource, type VerifyReport } from './verify.ts';

export interface FileVerifyOptions extends LogLayout {
  /** Null: check the chain only (no checkpoints to check against). */
  publicKey: KeyObject | null;
  /** Extra checkpoint copies to check against (e.g. a region's witness log). */
  witnessFiles?: string[];
}

export function verifyFileLog(options: FileVerifyOptions): VerifyReport {
  const segments = listSegments(options).map((file) => ({ location: file.name, ...readSegment(file.path) }));
  const checkpointFiles = [checkpointFilePath(options), ...(options.witnessFiles ?? [])];
  const sources: CheckpointSource[] = checkpointFiles.map((path) => ({ location: basename(path), lines: readSideFile(path).lines }));
  return verifyChain(segments, sources, options.publicKey);
}
