/**
 * How a chained log is laid out on disk: numbered segment files in one directory
 * (`audit-000001.jsonl`, `audit-000002.jsonl`, …, or a single `witness.jsonl`) plus
 * a checkpoint file. Shared by the writer, the verifier and the index rebuild so they
 * can never disagree about which files make up a log or what a torn line is.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';

export interface LogLayout {
  dir: string;
  /** File name stem: `audit` gives `audit-000001.jsonl`. */
  prefix: string;
  /** Numbered, size-rotated segments; false gives one `<prefix>.jsonl`. */
  rotate: boolean;
  /**
   * With `rotate`: a `<prefix>.jsonl` written before the log rotated (region disclosure
   * logs did not) is its first segment, so the chain runs on from it into
   * `<prefix>-000001.jsonl`.
   */
  legacyFile?: boolean;
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
  const rotated = readdirSync(layout.dir)
    .map((name) => ({ name, match: pattern.exec(name) }))
    .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null)
    .map(({ name, match }) => ({ index: Number(match[1]), name, path: join(layout.dir, name) }))
    .sort((a, b) => a.index - b.index);
  const legacy = `${layout.prefix}.jsonl`;
  return layout.legacyFile && existsSync(join(layout.dir, legacy))
    ? [{ index: 0, name: legacy, path: join(layout.dir, legacy) }, ...rotated]
    : rotated;
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

/** The end of a segment: its last complete line, a torn remainder, and where complete lines end. */
export interface SegmentTail {
  lastLine: string | null;
  torn: Buffer | null;
  completeBytes: number;
  /** Line number the torn remainder would have had (counted only when there is one). */
  tornLine: number | null;
}

const TAIL_CHUNK = 64 * 1024;

/**
 * Reads a segment from its end only — enough to hold its last complete line — so opening
 * a log costs the same whatever its size (a whole-file read of a region's unrotated
 * disclosure log hit V8's 512 MiB string limit). Lines are counted, in chunks, only when
 * the tail is torn (the gap record names the line).
 */
export function readSegmentTail(path: string): SegmentTail {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    // Grow the window from the end until it holds the newline before the last line (or the whole file).
    let window = Math.min(size, TAIL_CHUNK);
    let bytes = readAt(fd, size - window, window);
    let end = bytes.lastIndexOf(0x0a);
    while (window < size && (end < 0 || newlineBefore(bytes, end) < 0)) {
      window = Math.min(size, window * 2);
      bytes = readAt(fd, size - window, window);
      end = bytes.lastIndexOf(0x0a);
    }
    const offset = size - window;
    const completeBytes = end < 0 ? 0 : offset + end + 1;
    const torn = completeBytes < size ? Buffer.from(bytes.subarray(completeBytes - offset)) : null;
    const lastLine = end < 0 ? null : bytes.subarray(newlineBefore(bytes, end) + 1, end).toString('utf8');
    return { lastLine, torn, completeBytes, tornLine: torn ? countLines(fd, completeBytes) + 1 : null };
  } finally {
    closeSync(fd);
  }
}

/** The newline before position `end`, or -1 (a negative offset would search from the buffer's end). */
function newlineBefore(bytes: Buffer, end: number): number {
  return end > 0 ? bytes.lastIndexOf(0x0a, end - 1) : -1;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  readSync(fd, bytes, 0, length, position);
  return bytes;
}

/** Newlines in the first `length` bytes, read in chunks. */
function countLines(fd: number, length: number): number {
  const chunk = Buffer.alloc(1024 * 1024);
  let count = 0;
  for (let at = 0; at < length; at += chunk.length) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, length - at), at);
    for (let i = 0; i < n; i++) if (chunk[i] === 0x0a) count++;
  }
  return count;
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
