/**
 * The `tracing` section of config/gateway.json (off by default):
 *
 * ```json
 * "tracing": { "enabled": true, "otlpUrl": "http://127.0.0.1:4318/v1/traces", "serviceName": "liandong-gateway", "sampleRatio": 0.1 }
 * ```
 * What is traced and what a span may carry: tracing/spans.ts and docs/operations.md.
 */
import { ConfigPath, object, onlyKeys } from '../config/check.ts';
import { section } from '../config/section.ts';
import { checkTracingSettings, type TracingSettings } from '../../common/tracing/settings.ts';

export type TracingConfig = TracingSettings;

const KEYS = ['enabled', 'otlpUrl', 'serviceName', 'sampleRatio'] as const;

export function validateTracingConfig(raw: unknown, at: ConfigPath = new ConfigPath('config/gateway.json').key('tracing')): TracingConfig {
  const obj = raw === undefined ? {} : object(raw, at);
  onlyKeys(obj, KEYS, at);
  return checkTracingSettings(obj, { serviceName: 'liandong-gateway' }, (setting, problem) => at.key(setting).fail(problem));
}

export const tracingSection = section({
  key: 'tracing',
  validate: (raw, at) => validateTracingConfig(raw, at),
});
