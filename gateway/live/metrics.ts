/** The subscriptions' Prometheus metrics, on a registry of their own (exposed on /metrics). */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class LiveMetrics {
  readonly registry = new Registry();
  readonly subscribers = new Gauge({
    name: 'liandong_live_subscribers',
    help: 'Open subscriptions (SSE and WebSocket) on this gateway.',
    registers: [this.registry],
  });
  readonly delivered = new Counter({
    name: 'liandong_live_events_delivered_total',
    help: 'Events resolved, audited and handed to a subscriber, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly dropped = new Counter({
    name: 'liandong_live_events_dropped_total',
    help: 'Events not delivered because their subscription was ended first (slow consumer, expired token, audit unavailable).',
    registers: [this.registry],
  });
  readonly ended = new Counter({
    name: 'liandong_live_subscriptions_ended_total',
    help: 'Subscriptions the gateway ended, by reason code (SLOW_CONSUMER, TOKEN_EXPIRED, AUDIT_UNAVAILABLE…).',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'liandong_live_subscriptions_refused_total',
    help: 'Subscriptions refused at subscribe, by code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'liandong_live_delivery_seconds',
    help: 'From the gateway receiving a change to handing the resolved event to the subscriber.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
}
