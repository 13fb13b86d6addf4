import { describe, expect, it } from 'vitest';
import type { LiveEvent } from './events.ts';
import { LiveMetrics } from './metrics.ts';
import { LiveSubscription, type Resolve } from './subscription.ts';

const event = (seq: number): LiveEvent => ({ id: `e.${seq}`, seq, kind: 'WANTED_NOTICE', region: 'JS', at: '2026-12-06T00:00:00Z' });
const echo: Resolve = async (e) => ({ data: { watch: { id: e.id } } });

function make(resolve: Resolve, queueLimit = 10) {
  const closed: LiveSubscription[] = [];
  const metrics = new LiveMetrics();
  const sub = new LiveSubscription(
    'JS-1',
    { field: 'watch', idNumbers: new Set(), plates: new Set() },
    resolve,
    { eventsPerSecond: 1000, queueLimit },
    metrics,
    (s) => closed.push(s),
  );
  return { sub, closed, metrics };
}

describe('LiveSubscription', () => {
  it('delivers offered events in order', async () => {
    const { sub } = make(echo);
    sub.offer(event(1));
    sub.offer(event(2));
    expect((await sub.next()).value).toEqual({ data: { watch: { id: 'e.1' } } });
    expect((await sub.next()).value).toEqual({ data: { watch: { id: 'e.2' } } });
  });

  it('disconnects a consumer whose queue overflows with SLOW_CONSUMER, then ends', async () => {
    const { sub, closed, metrics } = make(echo, 2);
    for (let i = 1; i <= 3; i++) sub.offer(event(i));
    const last = await sub.next();
    expect(last.value?.errors?.[0]?.extensions.code).toBe('SLOW_CONSUMER');
    expect((await sub.next()).done).toBe(true);
    expect(closed).toEqual([sub]);
    expect(await metrics.registry.getSingleMetricAsString('liandong_live_subscriptions_ended_total')).toContain('code="SLOW_CONSUMER"} 1');
  });

  it("ends the stream with the resolver's reason (e.g. AUDIT_UNAVAILABLE) instead of pushing the event", async () => {
    const { sub } = make(async () => ({ code: 'AUDIT_UNAVAILABLE', message: 'The audit log cannot record events.' }));
    sub.offer(event(1));
    const last = await sub.next();
    expect(last.value?.data).toBeUndefined();
    expect(last.value?.errors?.[0]?.extensions.code).toBe('AUDIT_UNAVAILABLE');
    expect((await sub.next()).done).toBe(true);
  });

  it('releases a waiting next() and its place in the hub when the client goes away', async () => {
    const { sub, closed } = make(echo);
    const pending = sub.next();
    await sub.return();
    expect((await pending).done).toBe(true);
    expect(closed).toEqual([sub]);
  });
});
