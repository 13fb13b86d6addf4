/**
 * The free text of an `X-Purpose` header: decoding it, and refusing control characters.
 *
 * The text is stored in the audit record and shown to auditors as one line. A control
 * character in it (a newline, an escape sequence, a NUL) could forge a second line in
 * an auditor's terminal or export, or hide what follows, so it is refused rather than
 * stored — whether it arrived raw or percent-encoded (`%0A`), and including C1 controls
 * and the Unicode line/paragraph separators that decoding can produce. Tab is refused
 * too: it has no place in a one-line statement of purpose, and accepting it would make
 * "which whitespace is allowed where" one more rule for clients to get wrong.
 *
 * A refusal names the character (U+XXXX) and its 1-based position in the header as
 * sent, so a client can find it even when it was percent-encoded.
 */

/** What a header may not hold as sent (headers are latin1 strings: C0 controls and DEL). */
const RAW_CONTROL = /[\x00-\x1f\x7f]/;
/** What the decoded text may not hold: every Unicode control (C0, DEL, C1) and line/paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

export interface ControlCharacter {
  /** 1-based position in the header as sent (for a percent-encoded one, its `%`). */
  position: number;
  codePoint: string;
}

/** The first C0 control or DEL in the header as sent, or null. */
export function rawControlCharacter(header: string): ControlCharacter | null {
  const match = RAW_CONTROL.exec(header);
  return match ? { position: match.index + 1, codePoint: codePoint(match[0]) } : null;
}

/**
 * Decodes the free text (percent-encoded UTF-8 is the documented way to send Chinese;
 * raw UTF-8 bytes arrive as latin1). `start` is the text's 0-based offset in the
 * header, so a control character found after decoding is reported where it was sent.
 */
export function decodePurposeText(raw: string, start: number): { text: string } | { control: ControlCharacter } {
  if (/%[0-9A-Fa-f]{2}/.test(raw)) {
    try {
      decodeURIComponent(raw);
      return checkedPercentDecoding(raw, start);
    } catch {
      return checked(raw, (index) => start + index);
    }
  }
  if (/[\x80-\xff]/.test(raw) && !/[^\x00-\xff]/.test(raw)) {
    const utf8 = Buffer.from(raw, 'latin1').toString('utf8');
    // Each latin1 character of the header is one byte of the UTF-8 text.
    if (!utf8.includes('\ufffd')) return checked(utf8, (index) => start + Buffer.byteLength(utf8.slice(0, index)));
    // Not UTF-8 (GBK, say): kept as sent. Its bytes 0x80–0x9F are another encoding's
    // characters, not C1 controls, and C0 controls were refused in the raw header.
    return { text: raw };
  }
  return checked(raw, (index) => start + index);
}

function checked(text: string, rawOffset: (index: number) => number): { text: string } | { control: ControlCharacter } {
  const match = CONTROL.exec(text);
  return match ? { control: { position: rawOffset(match.index) + 1, codePoint: codePoint(match[0]) } } : { text };
}

/**
 * Decodes run by run so each decoded character keeps its place in the header: a run of
 * `%XX` escapes is whole UTF-8 characters (a character cannot span a plain one), and
 * each of its bytes took three characters of the header.
 */
function checkedPercentDecoding(raw: string, start: number): { text: string } | { control: ControlCharacter } {
  let text = '';
  for (const token of raw.matchAll(/(?:%[0-9A-Fa-f]{2})+|[^%]+|%/g)) {
    const at = start + token.index;
    if (!token[0].startsWith('%') || token[0].length < 3) {
      const found = checked(token[0], (index) => at + index);
      if ('control' in found) return found;
      text += token[0];
      continue;
    }
    const decoded = decodeURIComponent(token[0]);
    const found = checked(decoded, (index) => at + 3 * Buffer.byteLength(decoded.slice(0, index)));
    if ('control' in found) return found;
    text += decoded;
  }
  return { text };
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
