/**
 * Quoting what a caller sent inside an error message — the one way every layer does it.
 *
 * Error messages travel far: to the caller, into the audit record of a refusal, into
 * WWW-Authenticate headers and logs. Echoing the input whole lets a caller make the
 * gateway reflect megabytes (a 900 KB "identity number" came back as a 3.6 MB error)
 * and copies secrets (a token sent without `Bearer `) into every place the message
 * goes. So an input is echoed as a short JSON-quoted prefix (control characters
 * escaped, so they cannot forge log lines or break headers) plus the full length when
 * it was cut: enough for the officer to recognise what they typed, never more.
 *
 * It lives in the shared normalisation module because that is the floor the gateway,
 * the subgraphs and the adapters all import (docs/architecture.md).
 */

/** Characters kept by default: a full identity number, plate, id or date-time fits. */
export const QUOTED_PREFIX = 40;

/**
 * `"value"` when it is at most `keep` characters long, else `"prefix"… (N characters)`.
 * Non-strings are quoted as their JSON text (`undefined` as `undefined`).
 */
export function quoteInput(value: unknown, keep: number = QUOTED_PREFIX): string {
  const text = typeof value === 'string' ? value : jsonText(value);
  if (text === undefined) return String(value);
  if (text.length <= keep) return typeof value === 'string' ? JSON.stringify(text) : text;
  return `${JSON.stringify(wholeCharacters(text.slice(0, keep)))}… (${text.length} characters)`;
}

function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value); // BigInt, cycles: still say something bounded
  }
}

/** A cut through a surrogate pair would leave half a character (shown as U+FFFD). */
function wholeCharacters(prefix: string): string {
  return /[\uD800-\uDBFF]$/.test(prefix) ? prefix.slice(0, -1) : prefix;
}
