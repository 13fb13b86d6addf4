import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../common/changes/event.ts';
import type { LiveEvent, LiveKind } from './events.ts';
import { LiveHub, type Subscriber, type SubscriptionFilter } from './hub.ts';
import { LiveMetrics } from './metrics.ts';

const A = '110101199003071234';
const B = '110101199003075678';

function subscriber(filter: SubscriptionFilter, officer = 'JS-1'): Subscriber & { got: LiveEvent[] } {
  const got: LiveEvent[] = [];
  return { officer, filter, got, offer: (event) => got.push(event), end: () => {} };
}

const watch = (ids: string[], plates: string[] = []): SubscriptionFilter => ({
  field: 'watch',
  idNumbers: new Set(ids),
  plates: new Set(plates),
});

function change(overrides: Partial<ChangeEvent> = {}): ChangeEvent {
  return { region: 'JS', type: 'WantedNotice', id: 'W-1', idNumbers: [A], plates: [], at: '2026-12-06T00:00:00Z', ...overrides };
}

describe('LiveHub', () => {
  it('hands a change only to the subscribers whose watched keys it touches, and to matching desks', () => {
    const hub = new LiveHub(100, new LiveMetrics());
    const onA = subscriber(watch([A]));
    const onB = subscriber(watch([B]));
    const onPlate = subscriber(watch([], ['苏A12345']));
    const deskJs = subscriber({ field: 'alerts', regions: new Set(['JS']), kinds: new Set(['WANTED_NOTICE']) });
    const deskGz = subscriber({ field: 'alerts', regions: new Set(['GZ']), kinds: new Set(['WANTED_NOTICE', 'VEHICLE_ALERT']) });
    for (const s of [onA, onB, onPlate, deskJs, deskGz]) hub.add(s);
    hub.changed(change());
    hub.changed(change({ type: 'VehicleAlert', id: 'A-1', idNumbers: [], plates: ['苏A12345'] }));
    hub.changed(change({ type: 'PersonRecord', id: 'P-1' })); // not pushed: only notices and alerts
    expect(onA.got.map((e) => e.change?.id)).toEqual(['W-1']);
    expect(onB.got).toEqual([]);
    expect(onPlate.got.map((e) => e.kind)).toEqual(['VEHICLE_ALERT']);
    expect(deskJs.got.map((e) => e.change?.id)).toEqual(['W-1']);
    expect(deskGz.got).toEqual([]);
  });

  it('forgets a removed subscriber (index and per-officer count)', () => {
    const hub = new LiveHub(100, new LiveMetrics());
    const one = subscriber(watch([A]));
    hub.add(one);
    expect(hub.officerCount('JS-1')).toBe(1);
    hub.remove(one);
    hub.changed(change());
    expect(one.got).toEqual([]);
    expect(hub.officerCount('JS-1')).toBe(0);
  });

  it('replays the buffered events after a known id, and a GAP for an id it cannot place', () => {
    const hub = new LiveHub(3, new LiveMetrics());
    for (let i = 1; i <= 5; i++) hub.changed(change({ id: `W-${i}`, idNumbers: [i % 2 ? A : B] }));
    const back = subscriber(watch([A]));
    // Buffer holds events 3, 4, 5; after 2 the client missed 3 (A) and 5 (A).
    expect(hub.resume(back, `${hub.epoch}.2`).map((e) => e.change?.id)).toEqual(['W-3', 'W-5']);
    expect(hub.resume(back, `${hub.epoch}.5`)).toEqual([]);
    // More than the stream's queue holds: a GAP, not a replay that would end it as a slow consumer.
    expect(hub.resume(back, `${hub.epoch}.2`, 1).map((e) => e.kind)).toEqual(['GAP']);
    const gaps = [`${hub.epoch}.1`, 'abcdef01.4', `${hub.epoch}.9`, 'not-an-id'].map((id) => hub.resume(back, id));
    for (const gap of gaps) {
      expect(gap).toHaveLength(1);
      expect(gap[0].kind).toBe('GAP');
      expect(gap[0].detail).toMatch(/query again/);
    }
  });

  it('announces a region whose stream went quiet, and its return, once each', () => {
    const hub = new LiveHub(100, new LiveMetrics());
    const watcher = subscriber(watch([A]));
    hub.add(watcher);
    const live = new Map([['GZ', false]]);
    const liveness = { regions: () => ['GZ'], isLive: (r: string) => live.get(r) ?? false };
    hub.checkRegions(liveness); // never live yet (starting): nothing to say
    live.set('GZ', true);
    hub.checkRegions(liveness);
    live.set('GZ', false);
    hub.checkRegions(liveness);
    hub.checkRegions(liveness);
    live.set('GZ', true);
    hub.checkRegions(liveness);
    expect(watcher.got.map((e) => `${e.kind} ${e.region}`)).toEqual(['REGION_UNAVAILABLE GZ', 'REGION_RESTORED GZ', 'CATCH_UP GZ']);
  });

  it('catches a watcher up on a returning region: one CATCH_UP per watched key it may hold, bounded, replayed on resume; a desk gets none', () => {
    const hub = new LiveHub(100, new LiveMetrics(), 2);
    const three = subscriber(watch([A, B], ['苏A12345', '苏B00001']));
    const desk = subscriber({ field: 'alerts', regions: null, kinds: new Set(['WANTED_NOTICE']) });
    hub.add(three);
    hub.add(desk);
    const live = new Map([['GZ', true]]);
    // GZ's trusted filter rules out B.
    const liveness = {
      regions: () => ['GZ'],
      isLive: (r: string) => live.get(r) ?? false,
      mayHold: (_region: string, kind: 'idNumber' | 'plate', key: string) => !(kind === 'idNumber' && key === B),
    };
    hub.checkRegions(liveness);
    live.set('GZ', false);
    hub.checkRegions(liveness);
    const before = three.got[0];
    live.set('GZ', true);
    hub.checkRegions(liveness);
    const after = three.got.slice(1);
    expect(after.map((e) => e.kind)).toEqual(['REGION_RESTORED', 'CATCH_UP', 'CATCH_UP', 'GAP']);
    expect(after.slice(1, 3).map((e) => e.subject)).toEqual([
      { idNumber: A, plate: null },
      { idNumber: null, plate: '苏A12345' },
    ]);
    expect(after[3].detail).toMatch(/1 more watched keys GZ may hold/);
    expect(new Set(after.map((e) => e.id))).toEqual(new Set([after[0].id]));
    expect(desk.got.map((e) => e.kind)).toEqual(['REGION_UNAVAILABLE', 'REGION_RESTORED']);
    // A watcher resuming from before the restore gets the same catch-up.
    expect(hub.resume(subscriber(watch([A])), before.id).map((e) => e.kind)).toEqual(['REGION_RESTORED', 'CATCH_UP']);
    // One that left during the catch-up (its last id is the restore's) gets the catch-up again, not the restore.
    expect(hub.resume(subscriber(watch([A])), after[0].id).map((e) => e.kind)).toEqual(['CATCH_UP']);
  });

  it("hands an assistance change to the parties only: the receiving region's desks, the requester, and followers of its id", () => {
    const hub = new LiveHub(100, new LiveMetrics());
    const assistance = (happened: 'ACCEPTED' | 'OVERDUE'): ChangeEvent =>
      change({
        region: 'GZ',
        type: 'AssistanceRequest',
        id: 'XC1',
        idNumbers: [],
        assistance: { happened, fromRegion: 'JS', requestedBy: 'JS-7' },
      });
    const kinds = new Set<LiveKind>(['ASSISTANCE_STATUS', 'ASSISTANCE_OVERDUE']);
    const desk = (region: string, officer = `${region}-1`, only = kinds) =>
      subscriber({ field: 'alerts', regions: null, kinds: only, party: { officer, region } }, officer);
    const gzDesk = desk('GZ');
    const gzNoticesOnly = desk('GZ', 'GZ-2', new Set(['WANTED_NOTICE']));
    const requester = desk('JS', 'JS-7');
    const otherJs = desk('JS', 'JS-8');
    const hbDesk = desk('HB');
    const byId = (region: string, officer: string) =>
      subscriber({ field: 'assistanceUpdates', ids: new Set(['GZ:XC1']), party: { officer, region } }, officer);
    const hbFollowingId = byId('HB', 'HB-1');
    const otherId = subscriber({ field: 'assistanceUpdates', ids: new Set(['GZ:XC2']), party: { officer: 'JS-7', region: 'JS' } }, 'JS-7');
    const mine = subscriber({ field: 'assistanceUpdates', ids: null, party: { officer: 'JS-7', region: 'JS' } }, 'JS-7');
    const watcher = subscriber(watch([A]));
    const all = [gzDesk, gzNoticesOnly, requester, otherJs, hbDesk, hbFollowingId, otherId, mine, watcher];
    for (const s of all) hub.add(s);
    hub.changed(assistance('ACCEPTED'));
    hub.changed(assistance('OVERDUE'));
    // Without the parties (a publisher that did not read the request back) it cannot be routed: not pushed.
    hub.changed(change({ region: 'GZ', type: 'AssistanceRequest', id: 'XC1', idNumbers: [] }));
    const got = (s: { got: LiveEvent[] }) => s.got.map((e) => e.kind);
    expect(got(gzDesk)).toEqual(['ASSISTANCE_STATUS', 'ASSISTANCE_OVERDUE']);
    expect(got(requester)).toEqual(['ASSISTANCE_STATUS', 'ASSISTANCE_OVERDUE']);
    expect(got(mine)).toEqual(['ASSISTANCE_STATUS', 'ASSISTANCE_OVERDUE']);
    // Named by id: pushed, and its query decides what the subscriber sees (FORBIDDEN for HB).
    expect(got(hbFollowingId)).toEqual(['ASSISTANCE_STATUS', 'ASSISTANCE_OVERDUE']);
    for (const none of [gzNoticesOnly, otherJs, hbDesk, otherId, watcher]) expect(got(none)).toEqual([]);
    // Replay follows the same rule.
    expect(hub.resume(desk('HB'), `${hub.epoch}.0`)).toEqual([]);
    expect(hub.resume(desk('JS', 'JS-7'), `${hub.epoch}.0`).map((e) => e.kind)).toEqual(['ASSISTANCE_STATUS', 'ASSISTANCE_OVERDUE']);
    hub.remove(mine);
    hub.changed(assistance('ACCEPTED'));
    expect(got(mine)).toHaveLength(2);
  });
});
