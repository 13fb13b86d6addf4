/**
 * The errors a region data source adds to a fetch's answer. Codes are stable: clients
 * and the audit log match on them.
 */
import type { FormattedError, RegionAnswer } from './types.ts';

export const REGION_UNAVAILABLE = 'REGION_UNAVAILABLE';
export const BAD_USER_INPUT = 'BAD_USER_INPUT';
/** An entity reference whose id names no region in the registry (data, not user input). */
export const UNKNOWN_REGION = 'UNKNOWN_REGION';

/**
 * The region did not answer; the rest of the answer holds what the other regions said.
 * Names the region and a stable `reason`, never its address (the client's message is
 * already free of it; the operator log has the detail — region-client.ts).
 */
export function unavailableError(answer: RegionAnswer, part: string): FormattedError {
  const { code, name } = answer.region;
  return {
    message: `Region ${code} (${name}) did not answer the ${part} fetch: ${answer.message ?? answer.status}. The answer holds what the other regions returned.`,
    extensions: { code: REGION_UNAVAILABLE, region: code, status: answer.status, ...(answer.reason ? { reason: answer.reason } : {}) },
  };
}

export function badUserInput(message: string, path?: (string | number)[]): FormattedError {
  return { message, ...(path ? { path } : {}), extensions: { code: BAD_USER_INPUT } };
}

/**
 * The GraphQL errors of every region that answered, each once: an error several regions
 * report identically (the same bad argument refused by all) appears a single time.
 * `extensions.region` names the first region that reported it; `extensions.reportedBy`
 * lists all of them. `remap` moves an error's path (e.g. to the planner's entity order);
 * `null` drops the error (it concerns data left out of the answer).
 */
export function regionErrors(
  answers: readonly RegionAnswer[],
  remap: (path: (string | number)[], answer: RegionAnswer) => (string | number)[] | undefined | null = (path) => path,
): FormattedError[] {
  const merged = new Map<string, FormattedError & { extensions: Record<string, unknown> }>();
  for (const answer of answers) {
    for (const error of answer.answer?.errors ?? []) {
      const path = error.path ? remap(error.path, answer) : undefined;
      if (path === null) continue;
      const id = JSON.stringify([error.message, path ?? null, error.extensions?.code ?? null]);
      const seen = merged.get(id);
      if (seen) {
        (seen.extensions.reportedBy as string[]).push(answer.region.code);
        continue;
      }
      const { locations: _dropped, ...rest } = error;
      merged.set(id, {
        ...rest,
        ...(path ? { path } : { path: undefined }),
        extensions: { ...error.extensions, region: answer.region.code, reportedBy: [answer.region.code] },
      });
    }
  }
  return [...merged.values()].map(({ path, ...error }) => (path ? { ...error, path } : error));
}
