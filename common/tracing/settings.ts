/**
 * Tracing settings, the same for the gateway (config/gateway.json `tracing`) and the
 * regional subgraphs (command line / environment). Off by default: a police network
 * may have no collector, and nothing is sent anywhere unless an operator names one.
 *
 * This module sits on the shared floor (neither server's folder): both servers and the
 * adapters read it.
 */
export interface TracingSettings {
  enabled: boolean;
  /** OTLP/HTTP traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces`. Required when enabled. */
  otlpUrl: string | null;
  /** `service.name` of the exported spans. */
  serviceName: string;
  /** Share of new traces kept (0–1); a request that arrives with a sampled `traceparent` follows its caller. */
  sampleRatio: number;
}

export const TRACING_OFF: TracingSettings = { enabled: false, otlpUrl: null, serviceName: 'liandong', sampleRatio: 1 };

/**
 * Checks settings read from anywhere; `fail(setting, problem)` reports in the caller's
 * words (a config path, a command-line flag), so the message names the bad setting.
 */
export function checkTracingSettings(
  raw: { enabled?: unknown; otlpUrl?: unknown; serviceName?: unknown; sampleRatio?: unknown },
  defaults: { serviceName: string },
  fail: (setting: 'enabled' | 'otlpUrl' | 'serviceName' | 'sampleRatio', problem: string) => never,
): TracingSettings {
  const enabled = raw.enabled ?? false;
  if (typeof enabled !== 'boolean') fail('enabled', `expected true or false, got ${shown(raw.enabled)}`);
  let otlpUrl: string | null = null;
  if (raw.otlpUrl !== undefined) {
    let url: URL | null = null;
    try {
      url = typeof raw.otlpUrl === 'string' ? new URL(raw.otlpUrl) : null;
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      fail('otlpUrl', `expected an http(s) URL of an OTLP/HTTP traces endpoint, got ${shown(raw.otlpUrl)}`);
    otlpUrl = raw.otlpUrl as string;
  }
  if (enabled && otlpUrl === null) fail('otlpUrl', 'required when tracing is enabled (e.g. "http://127.0.0.1:4318/v1/traces")');
  const serviceName = raw.serviceName ?? defaults.serviceName;
  if (typeof serviceName !== 'string' || !/^[\w.:-]{1,64}$/.test(serviceName))
    fail('serviceName', `expected a name of 1–64 letters, digits, . : _ -, got ${shown(raw.serviceName)}`);
  const sampleRatio = raw.sampleRatio ?? 1;
  if (typeof sampleRatio !== 'number' || !Number.isFinite(sampleRatio) || sampleRatio < 0 || sampleRatio > 1) {
    fail('sampleRatio', `expected a number from 0 to 1, got ${shown(raw.sampleRatio)}`);
  }
  return { enabled, otlpUrl, serviceName, sampleRatio };
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'nothing' : String(value);
}
