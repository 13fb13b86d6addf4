/**
 * A refused input. `kind` is stable and machine-readable (the API shows it in
 * `extensions.reason`); `message` says what was typed and what was expected.
 * Normalisation never "fixes" a wrong value: it either returns the one canonical form
 * or throws this.
 */
export type NormalisationErrorKind =
  | 'length'
  | 'format'
  | 'check'
  | 'birth-date'
  | 'area'
  | 'province'
  | 'date'
  | 'code'
  | 'control-character';

export class NormalisationError extends Error {
  constructor(
    readonly kind: NormalisationErrorKind,
    readonly field: string,
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'NormalisationError';
  }
}

/** Full-width ASCII (U+FF01–U+FF5E) to half-width, ideographic space to space. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}
