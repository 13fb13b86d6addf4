/**
 * The `live` section of `config/gateway.json`: GraphQL subscriptions (gateway/live).
 *
 *   "live": {
 *     "enabled": true,
 *     "maxSubscriptionsPerOfficer": 10,  // open subscriptions one officer (token `sub`) may hold
 *     "maxWatchedKeys": 100,             // identity numbers + plates in one `watch`
 *     "eventsPerSecond": 5,              // events one subscription is sent per second at most
 *     "queueLimit": 100,                 // events waiting for one subscriber; beyond, it is disconnected (SLOW_CONSUMER)
 *     "replayEvents": 10000              // events kept for `Last-Event-ID`; older ids get a GAP event
 *   }
 *
 * Every delivered event is one query through the gateway's pipeline under the
 * subscriber's token, so it also counts against `limits.rateLimit`: keep
 * `eventsPerSecond` at or below the officer's rate.
 */
import { boolean, integer, object, onlyKeys, optional } from '../config/check.ts';
import { section } from '../config/section.ts';

export interface LiveConfig {
  enabled: boolean;
  maxSubscriptionsPerOfficer: number;
  maxWatchedKeys: number;
  eventsPerSecond: number;
  queueLimit: number;
  replayEvents: number;
}

export const LIVE_DEFAULTS: LiveConfig = {
  enabled: true,
  maxSubscriptionsPerOfficer: 10,
  maxWatchedKeys: 100,
  eventsPerSecond: 5,
  queueLimit: 100,
  replayEvents: 10_000,
};

const KEYS = ['enabled', 'maxSubscriptionsPerOfficer', 'maxWatchedKeys', 'eventsPerSecond', 'queueLimit', 'replayEvents'] as const;

export const liveSection = section({
  key: 'live',
  validate(raw, at): LiveConfig {
    const obj = raw === undefined ? {} : object(raw, at);
    onlyKeys(obj, KEYS, at);
    const d = LIVE_DEFAULTS;
    const int = (key: (typeof KEYS)[number], fallback: number, max: number) =>
      optional(obj[key], fallback, (v) => integer(v, at.key(key), { min: 1, max }));
    return {
      enabled: optional(obj.enabled, d.enabled, (v) => boolean(v, at.key('enabled'))),
      maxSubscriptionsPerOfficer: int('maxSubscriptionsPerOfficer', d.maxSubscriptionsPerOfficer, 100_000),
      maxWatchedKeys: int('maxWatchedKeys', d.maxWatchedKeys, 10_000),
      eventsPerSecond: int('eventsPerSecond', d.eventsPerSecond, 10_000),
      queueLimit: int('queueLimit', d.queueLimit, 100_000),
      replayEvents: int('replayEvents', d.replayEvents, 1_000_000),
    };
  },
});
