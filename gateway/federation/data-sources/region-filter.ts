/**
 * The `regions:` argument of the fanned-out root fields: which regions to ask.
 */
import type { FieldNode } from 'graphql';
import { quoteInput } from '../../../common/normalise/index.ts';
import { argumentValue, responseKey } from './operation.ts';
import { badUserInput } from './region-errors.ts';
import type { FormattedError, RegionEntry } from './types.ts';

/** Why a region was not asked: recorded as its `skipped` outcome in extensions.regions and the audit. */
export const NOT_IN_FILTER = 'not in the regions: filter';

export type RegionSelection = { codes: string[]; skipped: Map<string, string> } | { refused: FormattedError };

/** Every region when the argument is absent or null; an unknown code is refused, naming it. */
export function selectRegions(field: FieldNode, variables: Record<string, unknown>, regions: readonly RegionEntry[]): RegionSelection {
  const all = regions.map((r) => r.code);
  const asked = argumentValue(field, 'regions', variables);
  if (asked === undefined || asked === null) return { codes: all, skipped: new Map() };
  const at = `${field.name.value}(regions:)`;
  const list = Array.isArray(asked) ? asked : [asked];
  if (!list.every((code) => typeof code === 'string')) {
    return { refused: badUserInput(`${at}: expected a list of region codes, got ${quoteInput(asked)}`, [responseKey(field)]) };
  }
  const unknown = list.filter((code) => !all.includes(code));
  if (unknown.length > 0) {
    return {
      refused: badUserInput(`${at}: unknown region code(s) ${named(unknown)}; expected codes from the registry: ${all.join(', ')}`, [
        responseKey(field),
      ]),
    };
  }
  const codes = all.filter((code) => list.includes(code));
  const skipped = new Map(all.filter((code) => !codes.includes(code)).map((code) => [code, NOT_IN_FILTER]));
  return { codes, skipped };
}

/** The first few unknown codes, each quoted short: a list of thousands must not come back whole. */
function named(codes: readonly string[], shown = 5): string {
  const listed = codes
    .slice(0, shown)
    .map((code) => quoteInput(code))
    .join(', ');
  return codes.length > shown ? `${listed} and ${codes.length - shown} more` : listed;
}
