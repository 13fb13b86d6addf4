/**
 * The action a published notice / alert change carries, read back from the region's
 * records (the in-memory adapter, its data edited between changes as a regional system's
 * would be) and what the publisher last saw of each record.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../adapters/adapter.ts';
import { JS_REGION, smallRegion } from '../testing/fixtures.ts';
import { createMemoryAdapter } from '../testing/memory-adapter.ts';
import { ChangeActions, classify } from './actions.ts';

const change = (type: ChangeEvent['type'], id: string): ChangeEvent => ({
  region: 'JS',
  type,
  id,
  idNumbers: [],
  plates: [],
  at: '2026-12-06T00:00:00Z',
});

describe('classify', () => {
  const inForce = { issuedAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', caseId: null, inForce: true };
  it('is LIFTED when the record is not in force or gone, whatever was seen before', () => {
    expect(classify(null, true)).toBe('LIFTED');
    expect(classify({ ...inForce, inForce: false }, undefined)).toBe('LIFTED');
  });
  it('is ISSUED or CHANGED by the in-force state last seen', () => {
    expect(classify({ ...inForce, updatedAt: '2026-02-01T00:00:00Z' }, false)).toBe('ISSUED');
    expect(classify(inForce, true)).toBe('CHANGED');
  });
  it('for a record not seen before, is ISSUED only when it was never edited since issue', () => {
    expect(classify(inForce, undefined)).toBe('ISSUED');
    expect(classify({ ...inForce, updatedAt: '2026-02-01T00:00:00Z' }, undefined)).toBe('CHANGED');
  });
});

describe('ChangeActions', () => {
  it('follows one notice through issued, changed, lifted, issued again and deleted; leaves other changes alone', async () => {
    const data = smallRegion();
    const actions = new ChangeActions(createMemoryAdapter(JS_REGION, data));
    const notice = { ...data.notices[0], id: 'W-NEW', issuedAt: '2026-12-06T00:00:00Z', updatedAt: '2026-12-06T00:00:00Z' };
    data.notices.push(notice);
    const once = async (type: ChangeEvent['type'], id: string) => (await actions.annotate([change(type, id)]))[0].action;

    expect(await once('WantedNotice', 'W-NEW')).toBe('ISSUED');
    expect((await actions.annotate([change('WantedNotice', 'W-NEW')]))[0].caseId).toBe(`JS:${notice.caseId}`);
    notice.reason = 'edited';
    expect(await once('WantedNotice', 'W-NEW')).toBe('CHANGED');
    notice.status = 'CAUGHT';
    expect(await once('WantedNotice', 'W-NEW')).toBe('LIFTED');
    notice.status = 'AT_LARGE';
    expect(await once('WantedNotice', 'W-NEW')).toBe('ISSUED');
    expect((await actions.annotate([change('WantedNotice', 'W-NEW')]))[0].caseId).toBe(`JS:${notice.caseId}`);
    data.notices.pop();
    expect(await once('WantedNotice', 'W-NEW')).toBe('LIFTED');

    data.alerts[0].active = false;
    expect(await once('VehicleAlert', data.alerts[0].id)).toBe('LIFTED');
    expect(await once('PersonRecord', data.persons[0].id)).toBeUndefined();
  });

  it('forgets the oldest record beyond its bound, which then falls back to issuedAt = updatedAt', async () => {
    const data = smallRegion();
    const actions = new ChangeActions(createMemoryAdapter(JS_REGION, data), 1);
    const [fixture] = data.notices; // issuedAt ≠ updatedAt: edited since issue
    fixture.status = 'WITHDRAWN';
    await actions.annotate([change('WantedNotice', fixture.id)]);
    fixture.status = 'AT_LARGE';
    await actions.annotate([change('VehicleAlert', data.alerts[0].id)]); // pushes the notice out
    expect((await actions.annotate([change('WantedNotice', fixture.id)]))[0].action).toBe('CHANGED');
  });
});
