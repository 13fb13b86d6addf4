/**
 * Metrics, wired into the gateway: an Apollo Server plugin that observes every response
 * into the gateway's metrics, a hook for requests refused before GraphQL ran (401, 413…),
 * and the GET /metrics route that exposes them together with the other parts' registries
 * (the audit log's and the cache's).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Registry } from 'prom-client';
import { registerAuditMetrics, type AuditMetrics } from '../../common/log/metrics.ts';
import type { GatewayContext } from '../context.ts';
import type { RouteHandler } from '../http/hooks.ts';
import { metricsRoute } from './exposition.ts';
import type { MetricsConfig } from './config.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { refusalFacts, responseFacts } from '../request-facts.ts';

export interface Metrics {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** The handler for GET /metrics (HttpHooks.metrics). */
  route: RouteHandler;
  /** Counts a request refused before GraphQL ran (the gateway core's refusal hook calls it). */
  observeRefusal(context: GatewayContext, error: unknown): void;
  metrics: GatewayMetrics;
}

export interface MetricsOptions {
  /** Other parts' registries to expose, each with metric names of its own (Registry.merge refuses duplicates). */
  registries?: readonly Registry[];
  /** This gateway's audit counters (plain numbers), exposed through a registry made here. */
  audit?: AuditMetrics;
  /** The `metrics` section (operation labels); defaults when absent. */
  config?: MetricsConfig;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const labels = options.config;
  const metrics = new GatewayMetrics({
    operationLabels: labels && {
      registered: labels.operationNames,
      minOfficers: labels.operationNameOfficers,
      maxNames: labels.maxOperationNames,
    },
  });
  const registries = [metrics.registry, ...(options.audit ? [auditRegistry(options.audit)] : []), ...(options.registries ?? [])];
  return {
    metrics,
    route: metricsRoute(registries),
    observeRefusal: (context, error) => metrics.observe(refusalFacts(context, error)),
    plugin: {
      async requestDidStart() {
        return {
          async willSendResponse(rc) {
            // What the client gets: the audit may still replace the answer (503 AUDIT_UNAVAILABLE).
            await rc.contextValue.audited;
            metrics.observe(responseFacts(rc));
          },
        };
      },
    },
  };
}

function auditRegistry(audit: AuditMetrics): Registry {
  const registry = new Registry();
  registerAuditMetrics(registry, audit);
  return registry;
}
