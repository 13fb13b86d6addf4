/**
 * Maximum tokens: a bound on the size of the query text itself, independent of what
 * it selects (long argument lists, huge literals, many operations in one document).
 * Refused as a cost: the text is what the gateway must parse and validate.
 */
import { Lexer, Source, TokenKind, print, type ValidationRule } from 'graphql';
import { limitError, LIMIT_CODES } from './refusal.ts';

export function tokenLimitRule(maxTokens: number): ValidationRule {
  return (context) => {
    const document = context.getDocument();
    const found = countTokens(document.loc?.source.body ?? print(document), maxTokens);
    if (found > maxTokens) {
      context.reportError(
        limitError(LIMIT_CODES.cost, `The query text has more than ${maxTokens} tokens (the limit); send a smaller document.`),
      );
    }
    return {};
  };
}

/** Tokens in `text`, counting stopped just past `stopAfter`. */
export function countTokens(text: string, stopAfter: number): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF && count <= stopAfter) count++;
  return count;
}
