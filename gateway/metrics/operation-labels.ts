/**
 * Operation names as metric labels. The name comes from the client, so it is bounded
 * twice over:
 *
 * - anything that is not a plain GraphQL name is counted as `other`;
 * - a name earns a label of its own only once it has been sent by several distinct
 *   officers (`minOfficers`, default 3), or when it is registered in the configuration
 *   (`metrics.operationNames`: the client apps' own operations, labelled from the first
 *   request). Until then it is counted as `other`.
 *
 * Without the second rule one officer (or one stolen token) inventing names could fill
 * every label slot with junk, and the operations that matter would be counted as
 * `other` for the life of the process. Real operations come from client apps that many
 * officers use, so they cross the threshold quickly. Requests without an officer
 * (anonymous access) never promote a name. At most `maxNames` names are promoted; the
 * names waiting for more officers are bounded too (least recently seen forgotten first),
 * so the bookkeeping cannot grow without bound either.
 */
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

export const ANONYMOUS_OPERATION = 'anonymous';
export const OTHER_OPERATION = 'other';

export interface OperationLabelOptions {
  /** Most names given a label of their own by promotion (registered names do not count). */
  maxNames?: number;
  /** Distinct officers that must send a name before it gets its own label. */
  minOfficers?: number;
  /** Names labelled from the first request. */
  registered?: readonly string[];
}

export const OPERATION_LABEL_DEFAULTS = { maxNames: 200, minOfficers: 3 } as const;

/** Names waiting for more officers, per promotable slot (bounds the bookkeeping). */
const CANDIDATES_PER_SLOT = 10;

export class OperationLabels {
  private readonly registered: ReadonlySet<string>;
  private readonly promoted = new Set<string>();
  /** Name → the distinct officers seen sending it; insertion order is recency (oldest first). */
  private readonly candidates = new Map<string, Set<string>>();
  private readonly maxNames: number;
  private readonly minOfficers: number;

  constructor(options: OperationLabelOptions = {}) {
    this.maxNames = options.maxNames ?? OPERATION_LABEL_DEFAULTS.maxNames;
    this.minOfficers = options.minOfficers ?? OPERATION_LABEL_DEFAULTS.minOfficers;
    if (!Number.isInteger(this.maxNames) || this.maxNames < 1)
      throw new Error(`maxOperationNames must be a positive integer, got ${this.maxNames}`);
    if (!Number.isInteger(this.minOfficers) || this.minOfficers < 1)
      throw new Error(`operation label minOfficers must be a positive integer, got ${this.minOfficers}`);
    const bad = (options.registered ?? []).find((name) => !NAME.test(name));
    if (bad !== undefined)
      throw new Error(`registered operation name ${JSON.stringify(bad)} is not a GraphQL name of at most 64 characters`);
    this.registered = new Set(options.registered ?? []);
  }

  /** The label for a request's operation; `officer` is the caller's `sub` (null when anonymous). */
  label(name: string | null | undefined, officer?: string | null): string {
    if (!name) return ANONYMOUS_OPERATION;
    if (!NAME.test(name)) return OTHER_OPERATION;
    if (this.registered.has(name) || this.promoted.has(name)) return name;
    if (this.promoted.size >= this.maxNames || !officer) return OTHER_OPERATION;
    return this.seenFrom(name, officer) ? name : OTHER_OPERATION;
  }

  /** Notes the officer; true when the name has now been sent by enough of them (it is promoted). */
  private seenFrom(name: string, officer: string): boolean {
    const officers = this.candidates.get(name) ?? new Set<string>();
    this.candidates.delete(name); // re-inserted below: most recently seen last
    officers.add(officer);
    if (officers.size >= this.minOfficers) {
      this.promoted.add(name);
      return true;
    }
    this.candidates.set(name, officers);
    if (this.candidates.size > this.maxNames * CANDIDATES_PER_SLOT) {
      this.candidates.delete(this.candidates.keys().next().value!);
    }
    return false;
  }
}
