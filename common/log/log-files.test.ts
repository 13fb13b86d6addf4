import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSegment, readSegmentTail } from './log-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'liandong-log-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** The tail as the whole-file reader sees it, for comparison. */
function both(content: string | Buffer) {
  const path = join(dir, `segment-${++n}.jsonl`);
  writeFileSync(path, content);
  const whole = readSegment(path);
  return { tail: readSegmentTail(path), whole };
}

describe('reading a segment from its end', () => {
  const long = 'x'.repeat(200_000); // longer than one 64 KiB window: the window must grow
  const cases: Record<string, string> = {
    empty: '',
    'one line': 'a\n',
    'several lines': 'a\nbb\nccc\n',
    'torn tail': 'a\nbb\ncc',
    'only torn': 'no newline at all',
    'a long last line': `a\n${long}\n`,
    'a long torn tail': `a\nb\n${long}`,
    'long lines everywhere': `${long}\n${long}y\n${long}z`,
    'multi-byte text': '張偉\n李娜\n王',
    'an empty first line': '\nabc\n',
    'only a newline': '\n',
    // The 64 KiB window starts exactly at the only newline: the last line lies before it.
    'the window opening on the last newline': `${'y'.repeat(10)}\n${'x'.repeat(65_535)}`,
  };
  for (const [name, content] of Object.entries(cases)) {
    it(`agrees with the whole-file read: ${name}`, () => {
      const { tail, whole } = both(content);
      expect(tail.lastLine).toBe(whole.lines.at(-1) ?? null);
      expect(tail.completeBytes).toBe(whole.completeBytes);
      expect(tail.torn?.toString('utf8') ?? null).toBe(whole.torn?.toString('utf8') ?? null);
      expect(tail.tornLine).toBe(whole.torn ? whole.lines.length + 1 : null);
    });
  }
});
