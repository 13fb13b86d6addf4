/** Which plans the compiled path runs, and the reason it names for any other (the fallback metric's label). */
import { describe, expect, it } from 'vitest';
import { type FetchNode, type PlanNode, unsupportedPart } from './plan.ts';

const fetch = (extra: Partial<FetchNode> = {}): FetchNode => ({
  kind: 'Fetch',
  serviceName: 'records',
  operation: '{ a }',
  operationName: undefined,
  ...extra,
});

describe('unsupportedPart', () => {
  it('runs Fetch, Flatten, Sequence, Parallel and Condition nodes', () => {
    const plan: PlanNode = {
      kind: 'Sequence',
      nodes: [
        fetch(),
        { kind: 'Parallel', nodes: [{ kind: 'Flatten', path: ['a', '@'], node: fetch({ requires: [] }) }] },
        { kind: 'Condition', condition: 'withCases', ifClause: fetch(), elseClause: undefined },
      ],
    };
    expect(unsupportedPart(plan)).toBeNull();
    expect(unsupportedPart(undefined)).toBeNull();
  });

  it('names what it leaves to Apollo, however deep in the plan', () => {
    const inside = (node: PlanNode): PlanNode => ({ kind: 'Sequence', nodes: [fetch(), { kind: 'Flatten', path: ['a'], node }] });
    expect(unsupportedPart(inside({ kind: 'Defer' }))).toBe('defer');
    expect(unsupportedPart(inside(fetch({ outputRewrites: [{ kind: 'KeyRenamer', path: ['a'], renameKeyTo: 'b' }] })))).toBe('rewrites');
    expect(unsupportedPart(inside(fetch({ inputRewrites: [{}] })))).toBe('rewrites');
    expect(unsupportedPart(inside(fetch({ contextRewrites: [{}] })))).toBe('rewrites');
    expect(unsupportedPart({ kind: 'Condition', condition: 'c', elseClause: { kind: 'Defer' } })).toBe('defer');
    expect(unsupportedPart({ kind: 'Subscription' })).toBe('subscription');
    expect(unsupportedPart({ kind: 'Mystery' } as unknown as PlanNode)).toBe('plan node Mystery');
  });

  it('runs a fetch whose rewrite lists are empty', () => {
    expect(unsupportedPart(fetch({ inputRewrites: [], outputRewrites: [], contextRewrites: [] }))).toBeNull();
  });
});
