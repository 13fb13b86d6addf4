import { describe, expect, it } from 'vitest';
import { CursorError } from './composite-position.ts';
import { ephemeralCursorKeys } from './keys.ts';
import { CursorSealer, canonical, type CursorBinding } from './sealed-cursor.ts';

const ID = '110101199003077777';
const POSITION = {
  JS: Buffer.from(JSON.stringify({ k: 'persons', v: [ID, 'JS-P-42'] })).toString('base64url'),
  GZ: null,
  HB: false as const,
};
const BINDING: CursorBinding = { caller: 'JS-0310552', field: 'searchPersons', filter: { name: '張*' } };

function sealer(now = () => 1_800_000_000_000, keys = ephemeralCursorKeys()) {
  return new CursorSealer({ keys, ttlSeconds: 600, now });
}

function refusal(run: () => unknown): CursorError {
  try {
    run();
  } catch (error) {
    if (error instanceof CursorError) return error;
    throw error;
  }
  throw new Error('expected a CursorError');
}

describe('sealed search cursors', () => {
  it('round-trip the position for the same caller and search', () => {
    const cursors = sealer();
    expect(cursors.open(cursors.seal(POSITION, BINDING), BINDING)).toEqual(POSITION);
  });

  it('carry the last node key emitted (sealed like the rest), null when none was given', () => {
    const cursors = sealer();
    const cursor = cursors.seal(POSITION, BINDING, ID);
    expect(cursors.openPage(cursor, BINDING)).toEqual({ position: POSITION, lastKey: ID });
    expect(Buffer.from(cursor.split('.')[2], 'base64url').toString('latin1')).not.toContain(ID);
    expect(cursors.openPage(cursors.seal(POSITION, BINDING), BINDING).lastKey).toBeNull();
  });

  it("reveal nothing of the regions' cursors (identity numbers, local ids) to whoever holds them", () => {
    const cursor = sealer().seal(POSITION, BINDING);
    expect(cursor).toMatch(/^c1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const bytes = Buffer.from(cursor.split('.')[2], 'base64url').toString('latin1');
    // Only secrets long enough that random ciphertext cannot contain them by chance: a
    // two-letter region code turns up in ~7% of random 300-character base64 strings.
    for (const secret of [ID, 'JS-P-42', POSITION.JS, 'persons', '"JS"']) {
      expect(cursor).not.toContain(secret);
      expect(bytes).not.toContain(secret);
    }
  });

  it('refuse a cursor with any byte changed, naming it altered and echoing only a short prefix', () => {
    const cursors = sealer();
    const cursor = cursors.seal(POSITION, BINDING);
    const body = Buffer.from(cursor.split('.')[2], 'base64url');
    for (const at of [0, 20, body.length - 1]) {
      const changed = Buffer.from(body);
      changed[at] ^= 1;
      const error = refusal(() => cursors.open(`${cursor.split('.').slice(0, 2).join('.')}.${changed.toString('base64url')}`, BINDING));
      expect(error.reason).toBe('tampered');
      expect(error.message).toMatch(/altered or was not issued by this gateway/);
      expect(error.message).not.toContain(cursor.slice(0, 30));
    }
  });

  it('refuse the readable base64 JSON cursors of before, and anything not shaped like a cursor', () => {
    const old = Buffer.from(JSON.stringify({ v: 1, r: POSITION })).toString('base64url');
    expect(refusal(() => sealer().open(old, BINDING)).reason).toBe('malformed');
    expect(refusal(() => sealer().open('c1.kabc.!!', BINDING)).reason).toBe('malformed');
  });

  it('refuse a cursor sealed with another key (another gateway, or a key rotated out)', () => {
    const cursor = sealer().seal(POSITION, BINDING);
    const error = refusal(() => sealer().open(cursor, BINDING));
    expect(error.reason).toBe('tampered');
    expect(error.message).toMatch(/key this gateway no longer holds/);
  });

  it('open cursors sealed with any key of the ring, seal with the first', () => {
    const [old] = ephemeralCursorKeys();
    const [current] = ephemeralCursorKeys();
    const before = sealer(undefined, [old]).seal(POSITION, BINDING);
    const rotated = sealer(undefined, [current, old]);
    expect(rotated.open(before, BINDING)).toEqual(POSITION);
    expect(rotated.seal(POSITION, BINDING)).toMatch(new RegExp(`^c1\\.${current.kid}\\.`));
  });

  it('expire after the configured lifetime', () => {
    let now = 1_800_000_000_000;
    const cursors = sealer(() => now);
    const cursor = cursors.seal(POSITION, BINDING);
    now += 599_000;
    expect(cursors.open(cursor, BINDING)).toEqual(POSITION);
    now += 1_000;
    const error = refusal(() => cursors.open(cursor, BINDING));
    expect(error.reason).toBe('expired');
    expect(error.message).toMatch(/expired at 2027-01-15T08:10:00.000Z \(cursors are valid for 600 s/);
  });

  it('refuse a cursor issued to another officer', () => {
    const cursors = sealer();
    const cursor = cursors.seal(POSITION, BINDING);
    const error = refusal(() => cursors.open(cursor, { ...BINDING, caller: 'GZ-0000001' }));
    expect(error.reason).toBe('other-caller');
    expect(error.message).toMatch(/issued to another officer/);
  });

  it('refuse a cursor of another search field or another filter', () => {
    const cursors = sealer();
    const cursor = cursors.seal(POSITION, BINDING);
    expect(refusal(() => cursors.open(cursor, { ...BINDING, field: 'searchVehicles' })).reason).toBe('other-search');
    const error = refusal(() => cursors.open(cursor, { ...BINDING, filter: { name: '李*' } }));
    expect(error.reason).toBe('other-search');
    expect(error.message).toMatch(/belongs to another search/);
  });

  it('treat the same filter written differently (key order, explicit nulls) as the same search', () => {
    const cursors = sealer();
    const filter = { place: '遵義', status: 'OPEN' };
    const cursor = cursors.seal(POSITION, { ...BINDING, field: 'searchCases', filter });
    expect(cursors.open(cursor, { ...BINDING, field: 'searchCases', filter: { status: 'OPEN', type: null, place: '遵義' } })).toEqual(
      POSITION,
    );
    expect(canonical({ b: [1, { d: null, c: 'x' }], a: 'y' })).toBe('{"a":"y","b":[1,{"c":"x"}]}');
  });
});
