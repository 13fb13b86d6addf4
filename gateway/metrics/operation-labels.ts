/**
 * Operation names as metric labels. The name comes from the client, so it is bounded:
 * anything that is not a plain GraphQL name, and every new name once the limit is
 * reached, is counted as `other` — a client inventing names per request cannot blow up
 * the number of time series Prometheus has to keep.
 */
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

export const ANONYMOUS_OPERATION = 'anonymous';
export const OTHER_OPERATION = 'other';

export class OperationLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly limit = 200) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`maxOperationNames must be a positive integer, got ${limit}`);
  }

  label(name: string | null | undefined): string {
    if (!name) return ANONYMOUS_OPERATION;
    if (!NAME.test(name)) return OTHER_OPERATION;
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.limit) return OTHER_OPERATION;
    this.seen.add(name);
    return name;
  }
}
