import { parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { decodeCursor, startPosition } from '../merge/composite-cursor.ts';
import { RegionMerger } from '../merge/deep-merge.ts';
import { combineConnection, mergedErrorPath } from './search-connection.ts';

const field = (query: string) => (parse(query).definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;
const ORIGINAL = field('{ s: searchPersons(filter: {}) { e: edges { c: cursor n: node { idNumber } } p: pageInfo { more: hasNextPage end: endCursor } t: totalCount } }');

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

describe('combineConnection', () => {
  const input = { original: ORIGINAL, fragments: [], nodeKeyFields: ['idNumber'], incoming: startPosition(['JS', 'GZ']), first: 3 };

  it('fills the client\'s aliased selections from the merged page', () => {
    const { value } = combineConnection(input, [answer('JS', ['a', 'c'], true), answer('GZ', ['a', 'b'], false)], new RegionMerger());
    const out = value as { e: { c: string; n: { idNumber: string } }[]; p: { more: boolean; end: string }; t: number };
    expect(out.e.map((e) => e.n.idNumber)).toEqual(['a', 'b', 'c']);
    expect(decodeCursor(out.e[0].c)).toEqual({ JS: 'JS-a', GZ: 'GZ-a' });
    expect(decodeCursor(out.e[1].c)).toEqual({ JS: 'JS-a', GZ: false });
    expect(out.p).toEqual({ more: true, end: out.e[2].c });
    expect(out.t).toBe(2 + 10 + 2);
    expect(Object.keys(out)).toEqual(['e', 'p', 't']);
  });

  it('is null when no region answered the field', () => {
    expect(combineConnection(input, [{ region: 'JS', value: null }], new RegionMerger()).value).toBeNull();
  });
});

describe('mergedErrorPath', () => {
  const { page } = combineConnection(
    { original: ORIGINAL, fragments: [], nodeKeyFields: ['idNumber'], incoming: startPosition(['JS', 'GZ']), first: 2 },
    [answer('JS', ['a', 'c'], false), answer('GZ', ['b'], false)], new RegionMerger(),
  );

  it('moves an error under a region\'s edge to that edge\'s merged place', () => {
    expect(mergedErrorPath(ORIGINAL, [], page, ['s', 'e', 0, 'n', 'idNumber'], 'GZ')).toEqual(['s', 'e', 1, 'n', 'idNumber']);
  });

  it('drops errors about edges left for a later page, and about the merge\'s own selections', () => {
    expect(mergedErrorPath(ORIGINAL, [], page, ['s', 'e', 1, 'n'], 'JS')).toBeNull();
    expect(mergedErrorPath(ORIGINAL, [], page, ['s', '_ld_edges', 0], 'JS')).toBeNull();
  });

  it('keeps errors that are not under an edge', () => {
    expect(mergedErrorPath(ORIGINAL, [], page, ['s', 't'], 'JS')).toEqual(['s', 't']);
  });
});
