import { describe, expect, it } from 'vitest';
import { parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import {
  entityKeys,
  narrowByMembership,
  NOT_IN_MEMBERSHIP_FILTER,
  noteFalsePositives,
  rootKey,
  type RegionMembership,
} from './membership.ts';
import type { RegionEntry } from './types.ts';
import { normaliseIdNumber } from '../../../common/normalise/index.ts';

const region = (code: string) => ({ code }) as RegionEntry;
const REGIONS = ['JS', 'GZ', 'HB'].map(region);
const A = normaliseIdNumber('320102800101123');

/** JS holds A; GZ's filter is trusted and holds nothing; HB has no trusted filter. */
function membership(): RegionMembership & { noted: Record<string, string[]> } {
  const noted: Record<string, string[]> = { skipped: [], falsePositives: [] };
  return {
    noted,
    trusted: (code) => code !== 'HB',
    mayHold: (code, _kind, key) => code === 'JS' && key === A,
    skipped: (codes) => noted.skipped.push(...codes),
    falsePositives: (codes) => noted.falsePositives.push(...codes),
  };
}

function field(text: string): FieldNode {
  return (parse(text).definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;
}

describe('narrowing a keyed fetch by membership filters', () => {
  it('reads the normalised key of person(idNumber:) and vehicle(plate:), and of Person / Vehicle representations', () => {
    expect(rootKey(field('{ person(idNumber: $id) { idNumber } }'), { id: '320102800101123' })).toEqual({
      kind: 'idNumber',
      key: normaliseIdNumber('320102800101123'),
    });
    expect(rootKey(field('{ vehicle(plate: "蘇a·12345") { plate } }'), {})).toEqual({ kind: 'plate', key: '蘇A12345' });
    expect(rootKey(field('{ case(id: "JS:C-1") { id } }'), {})).toBeNull();
    expect(entityKeys([{ __typename: 'Person', idNumber: A }])).toEqual([{ kind: 'idNumber', key: A }]);
    // One representation without a usable key: no narrowing at all.
    expect(
      entityKeys([
        { __typename: 'Person', idNumber: A },
        { __typename: 'Case', id: 'JS:C-1' },
      ]),
    ).toBeNull();
    expect(entityKeys([{ __typename: 'Person', idNumber: 'not a number' }])).toBeNull();
  });

  it('skips only trusted regions whose filter rules every key out; untrusted ones are asked', () => {
    const m = membership();
    const narrowed = narrowByMembership(m, [{ kind: 'idNumber', key: A }], REGIONS, false)!;
    expect(narrowed.regions.map((r) => r.code)).toEqual(['JS', 'HB']);
    expect([...narrowed.skipped]).toEqual([['GZ', NOT_IN_MEMBERSHIP_FILTER]]);
    expect(narrowed.vouched).toEqual(['JS']);
    expect(m.noted.skipped).toEqual(['GZ']);
    expect(narrowByMembership(null, [{ kind: 'idNumber', key: A }], REGIONS, false)).toBeNull();
    expect(narrowByMembership(m, null, REGIONS, false)).toBeNull();
  });

  it('asks no region for a root key none may hold, but keeps one for entities (their answer has a shape)', () => {
    const m = membership();
    const trustedOnly = REGIONS.slice(0, 2);
    const key = [{ kind: 'idNumber' as const, key: '320102198001021238' }];
    expect(narrowByMembership(m, key, trustedOnly, false)!.regions).toEqual([]);
    const entities = narrowByMembership(m, key, trustedOnly, true)!;
    expect(entities.regions.map((r) => r.code)).toEqual(['JS']);
    expect(entities.vouched).toEqual([]);
    expect([...entities.skipped.keys()]).toEqual(['GZ']);
  });

  it('counts a vouched region that answered nothing as a false positive', () => {
    const m = membership();
    noteFalsePositives(
      m,
      ['JS'],
      [
        { region: 'JS', subgraph: 'index', status: 'miss', latencyMs: 1 },
        { region: 'HB', subgraph: 'index', status: 'miss', latencyMs: 1 },
      ],
    );
    expect(m.noted.falsePositives).toEqual(['JS']);
  });
});
