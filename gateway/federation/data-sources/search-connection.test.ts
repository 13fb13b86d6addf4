import { parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { understand } from '../../../common/operations/understood.ts';
import { startPosition } from '../../cursors/composite-position.ts';
import { ephemeralSearchCursors } from '../../cursors/index.ts';
import { RegionMerger } from '../merge/deep-merge.ts';
import { combineConnection, mergedErrorPath } from './search-connection.ts';

const DOCUMENT = parse(
  '{ s: searchPersons(filter: {}) { e: edges { c: cursor n: node { idNumber } } p: pageInfo { more: hasNextPage end: endCursor } t: totalCount } }',
);
const ORIGINAL = (DOCUMENT.definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;
const UNDERSTOOD = understand(DOCUMENT);

/** A region's answer as the merge selections return it, with the client's aliases beside. */
function answer(region: string, keys: string[], hasNextPage: boolean) {
  const edges = keys.map((k) => ({ cursor: `${region}-${k}`, node: { __typename: 'Person', idNumber: k } }));
  return {
    region,
    value: {
      e: keys.map((k) => ({ c: `${region}-${k}`, n: { idNumber: k } })),
      p: { more: hasNextPage, end: null },
      t: keys.length + (hasNextPage ? 10 : 0),
      _ld_edges: edges,
      _ld_pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      _ld_totalCount: keys.length + (hasNextPage ? 10 : 0),
    },
  };
}

const cursors = ephemeralSearchCursors();
const binding = { caller: 'JS-0001', field: 'searchPersons', filter: {} };
const sealing = {
  asked: ['JS', 'GZ'],
  typename: 'PersonConnection',
  seal: (p: Record<string, string | null | false>, lastKey: string | null) => cursors.seal(p, binding, lastKey),
};
const open = (cursor: string) => cursors.open(cursor, binding);

describe('combineConnection', () => {
  const input = {
    original: ORIGINAL,
    understood: UNDERSTOOD,
    nodeKeyFields: ['idNumber'],
    incoming: startPosition(['JS', 'GZ']),
    incomingKey: null,
    first: 3,
    ...sealing,
  };

  it("fills the client's aliased selections from the merged page", () => {
    const { value } = combineConnection(input, [answer('JS', ['a', 'c'], true), answer('GZ', ['a', 'b'], false)], new RegionMerger());
    const out = value as { e: { c: string; n: { idNumber: string } }[]; p: { more: boolean; end: string }; t: number };
    expect(out.e.map((e) => e.n.idNumber)).toEqual(['a', 'b', 'c']);
    expect(open(out.e[0].c)).toEqual({ JS: 'JS-a', GZ: 'GZ-a' });
    expect(open(out.e[1].c)).toEqual({ JS: 'JS-a', GZ: false });
    // What a client holds says nothing about the regions' cursors (they hold the sort keys).
    expect(JSON.stringify(out)).not.toMatch(/JS-a|GZ-a/);
    expect(out.p.more).toBe(true);
    expect(open(out.p.end)).toEqual(open(out.e[2].c));
    expect(out.t).toBe(2 + 10 + 2);
    expect(Object.keys(out)).toEqual(['e', 'p', 't']);
  });

  it('is null when no region asked answered the field', () => {
    expect(combineConnection(input, [{ region: 'JS', value: null }], new RegionMerger()).value).toBeNull();
  });

  it('is an empty last page when no region was left to ask (every region exhausted)', () => {
    const exhausted = { ...input, incoming: { JS: false as const, GZ: false as const }, asked: [] };
    const { value } = combineConnection(exhausted, [], new RegionMerger());
    expect(value).toEqual({ e: [], p: { more: false, end: null }, t: 0 });
  });
});

describe('mergedErrorPath', () => {
  const { page } = combineConnection(
    {
      original: ORIGINAL,
      understood: UNDERSTOOD,
      nodeKeyFields: ['idNumber'],
      incoming: startPosition(['JS', 'GZ']),
      incomingKey: null,
      first: 2,
      ...sealing,
    },
    [answer('JS', ['a', 'c'], false), answer('GZ', ['b'], false)],
    new RegionMerger(),
  );

  it("moves an error under a region's edge to that edge's merged place", () => {
    expect(mergedErrorPath(ORIGINAL, UNDERSTOOD, page, ['s', 'e', 0, 'n', 'idNumber'], 'GZ')).toEqual(['s', 'e', 1, 'n', 'idNumber']);
  });

  it("drops errors about edges left for a later page, and about the merge's own selections", () => {
    expect(mergedErrorPath(ORIGINAL, UNDERSTOOD, page, ['s', 'e', 1, 'n'], 'JS')).toBeNull();
    expect(mergedErrorPath(ORIGINAL, UNDERSTOOD, page, ['s', '_ld_edges', 0], 'JS')).toBeNull();
  });

  it('keeps errors that are not under an edge', () => {
    expect(mergedErrorPath(ORIGINAL, UNDERSTOOD, page, ['s', 't'], 'JS')).toEqual(['s', 't']);
  });
});
