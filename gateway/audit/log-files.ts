/**
 * How a chained log is laid out on disk: numbered segment files in one directory
 * (`audit-000001.jsonl`, `audit-000002.jsonl`, …, or a single `disclosure.jsonl`) plus
 * a checkpoint file. Shared by the writer, the verifier and the index rebuild so they
 * can never disagree about which files make up a log or what a torn line is.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LogLayout {
  dir: string;
  /** File name stem: `audit` gives `audit-000001.jsonl`. */
  prefix: string;
  /** Numbered, size-rotated segments; false gives one `<prefix>.jsonl`. */
  rotate: boolean;
}

export interface SegmentFile {
  index: number;
  name: string;
  path: string;
}

export function segmentName(layout: LogLayout, index: number): string {
  return layout.rotate ? `${layout.prefix}-${String(index).padStart(6, '0')}.jsonl` : `${layout.prefix}.jsonl`;
}

export function checkpointFilePath(layout: LogLayout): string {
  return join(layout.dir, `${layout.prefix}-checkpoints.jsonl`);
}

export function operationsFilePath(layout: LogLayout): string {
  return join(layout.dir, `${layout.prefix}-operations.jsonl`);
}

/** The log's segment files in chain order (an empty list when the directory is missing). */
export function listSegments(layout: LogLayout): SegmentFile[] {
  if (!existsSync(layout.dir)) return [];
  if (!layout.rotate) {
    const name = segmentName(layout, 1);
    return existsSync(join(layout.dir, name)) ? [{ index: 1, name, path: join(layout.dir, name) }] : [];
  }
  const pattern = new RegExp(`^${escapeRegExp(layout.prefix)}-(\\d{6})\\.jsonl$`);
  return readdirSync(layout.dir)
    .map((name) => ({ name, match: pattern.exec(name) }))
    .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null)
    .map(({ name, match }) => ({ index: Number(match[1]), name, path: join(layout.dir, name) }))
    .sort((a, b) => a.index - b.index);
}

export interface SegmentContent {
  /** Complete lines (each ended by "\n"), without the newline. */
  lines: string[];
  /** Bytes after the last "\n": a line whose write never completed. */
  torn: Buffer | null;
  /** Length of the part made of complete lines. */
  completeBytes: number;
}

export function splitSegment(bytes: Buffer): SegmentContent {
  const end = bytes.lastIndexOf(0x0a) + 1;
  const complete = bytes.subarray(0, end).toString('utf8');
  const lines = complete.length === 0 ? [] : complete.slice(0, -1).split('\n');
  return { lines, torn: end < bytes.length ? bytes.subarray(end) : null, completeBytes: end };
}

export function readSegment(path: string): SegmentContent {
  return splitSegment(readFileSync(path));
}

/** Non-empty lines of a small side file (checkpoints, operations); a torn last line is returned apart. */
export function readSideFile(path: string): { lines: string[]; torn: string | null } {
  if (!existsSync(path)) return { lines: [], torn: null };
  const { lines, torn } = readSegment(path);
  return { lines: lines.filter((l) => l.length > 0), torn: torn && torn.length > 0 ? torn.toString('utf8') : null };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
