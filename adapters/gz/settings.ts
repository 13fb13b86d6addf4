/**
 * GZ adapter settings from the region registry, validated once at start-up with
 * messages that name the bad setting.
 */
import type { AdapterOptions } from '../adapter.ts';

export interface GzSettings {
  /** Base URL of GZ's legacy service, e.g. http://127.0.0.1:4202 */
  serviceUrl: URL;
  /** Budget for one call to the service, connection included. */
  timeoutMs: number;
  /** Keep-alive connections to the service. */
  connections: number;
  /** How often `changes.subscribe` polls the change feed. */
  pollMs: number;
}

const DEFAULTS = { timeoutMs: 2000, connections: 16, pollMs: 1000 };

function wholeNumber(settings: AdapterOptions['settings'], name: keyof typeof DEFAULTS, max: number): number {
  const raw = settings[name];
  if (raw === undefined) return DEFAULTS[name];
  const n = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
    throw new Error(`GZ adapter setting ${name}=${JSON.stringify(raw)}: expected a whole number from 1 to ${max}`);
  }
  return n;
}

export function parseGzSettings(settings: AdapterOptions['settings']): GzSettings {
  const raw = settings.serviceUrl;
  if (raw === undefined || raw === '') {
    throw new Error("GZ adapter setting serviceUrl is missing: expected the legacy service's base URL, e.g. http://127.0.0.1:4202");
  }
  let serviceUrl: URL;
  try {
    serviceUrl = new URL(String(raw));
  } catch {
    throw new Error(
      `GZ adapter setting serviceUrl=${JSON.stringify(raw)}: expected the legacy service's base URL, e.g. http://127.0.0.1:4202`,
    );
  }
  if (serviceUrl.protocol !== 'http:' && serviceUrl.protocol !== 'https:') {
    throw new Error(`GZ adapter setting serviceUrl=${JSON.stringify(raw)}: expected an http:// or https:// URL`);
  }
  return {
    serviceUrl,
    timeoutMs: wholeNumber(settings, 'timeoutMs', 600_000),
    connections: wholeNumber(settings, 'connections', 1024),
    pollMs: wholeNumber(settings, 'pollMs', 3_600_000),
  };
}
